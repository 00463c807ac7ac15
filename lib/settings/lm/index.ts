// The language-model settings (the paper's §2.3, §3 and §4): `lm.setting`, `lm.valueSetting`, and the
// model's pieces: corpus, tokenizer, GRU, training, sampling, base models, and runs kept with their samples.
// Importing this does not load TensorFlow.js; the backend starts on first use.
export { lmBackend, initLmBackend, tfjs, type BackendInfo } from './backend';
export {
  wordnetSplit,
  wordnetConversations,
  pretrainingCorpus,
  formatConversation,
  isWellFormed,
  toVocabulary,
  MAX_CONVERSATION_CHARS,
  TEST_SET_SIZE,
  type WordnetSplit,
} from './corpus';
export { Tokenizer, defaultTokenizer, BOS, EOS } from './tokenizer';
export { initGru, parameterCount, cloneParams, sampleSequences, type GruParams } from './gru';
export { train, evaluateLoss, Trainer, FINE_TUNE, type TrainOptions, type TrainReport } from './train';
export { sampleConversations, sampleWellFormed, MAX_SAMPLE_CHARS, MAX_DRAWS_PER_KEPT, type SampledConversations } from './sample';
export { saveWeights, loadWeights, type WeightsManifest } from './weights';
export { MODEL_SIZES, HIDDEN_UNITS, loadBaseModel, parseModelSize, type ModelSize } from './models';
export { lmSetting as setting, lmValueSetting as valueSetting } from './setting';
export { LmModel, fineTune, heldOutLoss, drawRealConversations, distinctNgrams, CURVE_CONVERSATIONS, type LmConfig, type LmFit, type SampleRecord } from './model';
export { valueCell, syntheticPool, realOrder, type ValueConfig } from './value';
export { lmRunWithSamples, lmRunsWithSamples, computeRunWithSamples, showSamples, type LmRunWithSamples, type ShowSamplesOptions } from './inspect';
