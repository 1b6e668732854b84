// Types of www/gencost.js: the gencost engine as a JavaScript module.
// Amounts are decimal strings at full precision (never floats).

/** An error from the engine: its message is one line; `key` names the share-URL key at fault. */
export interface GencostError extends Error {
  key?: string;
}

export type Decimal = string;

export interface LineItem {
  label: string;
  quantity: Decimal;
  billable_quantity: Decimal;
  unit_price: Decimal;
  amount: Decimal;
}

export interface Percentiles {
  p50: Decimal;
  p90: Decimal;
  p95: Decimal;
  p99: Decimal;
}

export interface StepQuote {
  model: string;
  cost_per_generation: Decimal | null;
  expected_attempts: Decimal;
  cost_per_accepted_output: Decimal | null;
  expected_cost_per_action: Decimal | null;
  p_no_output: Decimal;
  lines: LineItem[];
  fallback?: {
    model: string;
    share: Decimal;
    primary_cost_per_generation: Decimal | null;
    fallback_cost_per_generation: Decimal | null;
  };
  unknown?: string;
  retired?: string;
  percentiles?: Percentiles;
}

export interface Quote {
  currency: string;
  cost_per_action: Decimal | null;
  actions_per_dollar: Decimal | null;
  monthly: Decimal | null;
  steps: StepQuote[];
  unknown?: string;
  percentiles?: Percentiles;
}

export interface PlanQuote extends Quote {
  name: string;
  mix: Decimal | null;
}

export interface PlansQuote {
  currency: string;
  plans: PlanQuote[];
  blended: { cost_per_action: Decimal; actions_per_dollar: Decimal | null; monthly: Decimal | null } | null;
}

export interface ModelInfo {
  id: string;
  name: string;
  provider: string;
  kind: 'image' | 'video' | 'audio' | 'other';
  rule: string;
  options: string[];
  source: string;
  verified: string | null;
  retired: string | null;
  replacement: string | null;
  history: { until: string; was: string }[];
}

export interface Comparison {
  step: number;
  model: string;
  alternatives: {
    model: string;
    name: string;
    provider: string;
    cost_per_generation: Decimal;
    expected_cost_per_action: Decimal;
    ratio: Decimal | null;
    options: Record<string, string>;
    adjusted: string[];
  }[];
  incompatible: { model: string; reason: string }[];
}

export interface Bill {
  model: string;
  options: Record<string, string>;
  lines: LineItem[];
  cost: Decimal;
}

export interface UsageReport {
  lines: number;
  skipped: { line: number; reason: string }[];
  skipped_total: number;
  models: {
    model: string;
    generations: number;
    accepted: number;
    rejection_rate: Decimal;
    rejection_rate_95: [Decimal, Decimal];
    catalog_cost: Decimal;
    billed_cost: Decimal | null;
    drift_percent: Decimal | null;
    cost_per_accepted_output: Decimal | null;
  }[];
  actions: ({ count: number; mean: Decimal } & Percentiles) | null;
  scenario: string;
}

/** Loads the engine once; await it before any other call. */
export function load(): Promise<void>;
/** The quote of a share URL or query string (several plans: the plans shape). */
export function quote(query: string, catalogJson?: string): Quote | PlansQuote;
/** Every model of the catalog. */
export function models(catalogJson?: string): ModelInfo[];
/** The alternatives of a step (1-based, 1 by default). */
export function compare(query: string, step?: number, catalogJson?: string): Comparison;
/** One generation's bill. */
export function price(model: string, options?: Record<string, string | number | boolean>, catalogJson?: string): Bill;
/** The report of a usage log (JSON Lines or CSV text). */
export function usage(logText: string, catalogJson?: string): UsageReport;
