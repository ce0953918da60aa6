export { random, restoreRandom, type RandomStream, type RandomState } from "./random";
export { uniformSampler, type UniformSampler, type UniformSamplerOptions } from "./uniform_sampler";
export { poissonBatch, type PoissonBatch, type PoissonBatchOptions } from "./poisson_batch";
export { wavePackets, WAVE_PACKET_DATA, WAVE_PACKET_SAMPLES, type WavePacketBatch, type WavePacketsOptions } from "./wave_packets";
export { heatRectangles, type HeatRectanglesOptions } from "./heat_rectangles";
