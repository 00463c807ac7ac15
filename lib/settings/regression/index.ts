// Linear regression (the paper's appendix): `regression.setting`, `regression.theory`, and the model.
export { regressionSetting as setting } from './setting';
export * as theory from './theory';
export * from './model';
