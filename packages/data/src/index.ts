export { random, restoreRandom, type RandomStream, type RandomState } from "./random";
export { uniformSampler, type UniformSampler, type UniformSamplerOptions } from "./uniform_sampler";
