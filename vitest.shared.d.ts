/** Drops tfjs's "running TensorFlow.js in Node.js" banner from test output; every other line is kept. */
export declare function withoutTfjsBanner(log: string): false | undefined;
