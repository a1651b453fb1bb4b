export {
  BUILT_IN_PRICES,
  PRICES_READ_ON,
  baseModelId,
  createPriceLookup,
  type PriceLookup,
} from './prices.js';
export { costOfUsage, createCostFn, type CostFnOptions } from './cost-fn.js';
export { BudgetView, type BudgetViewOptions } from './budget-view.js';
export { StatsRecorder, type StatsRecorderOptions } from './stats-recorder.js';
export {
  startCostAccounting,
  chainObservers,
  type CostAccounting,
  type CostAccountingOptions,
} from './accounting.js';
export { createStateDecorator, type StateDecoratorOptions } from './state-decorator.js';
export { buildReport, type BuildReportOptions } from './report.js';
export { renderReport } from './render-report.js';
export { parseSince } from './duration.js';
export type { Report, ReportLevel, ReportTarget, FailoverReason } from './report-types.js';
