// Discrete distributions (the paper's appendix): `discrete.setting`, `discrete.theory`, the exact
// samplers on sparse counts, and Replace followed until collapse.
export { discreteSetting as setting } from './setting';
export * as theory from './theory';
export * from './model';
export { replaceCollapseIteration, replaceCollapseTable, iterationsToCollapse, type CollapseRow, type CollapseTableOptions, type ColumnarTable } from './collapse';
