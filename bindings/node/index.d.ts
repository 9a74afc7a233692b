// Type declarations for the tact package (Node.js bindings of libtact).
// Every `start`/`end` is a JavaScript string index (UTF-16 code units) into
// the analyzed text: `text.slice(x.start, x.end)` is the spanned text.

export type Role = 'agent' | 'customer' | 'unknown';

/** A reference time: a Date, an ISO 8601 string or Unix seconds (UTC). */
export type TimeInput = Date | string | number | bigint;

export interface EngineOptions {
  /** Rule packs layered over the default one, in order: file paths, or XML strings starting with '<'. */
  packs?: readonly string[];
  /** Replace invalid UTF-8 (lone surrogates) and NUL with U+FFFD tokens instead of throwing. */
  repair?: boolean;
  /** Longest accepted text in UTF-8 bytes; default 64 MiB. */
  maxInputBytes?: number;
  /** Load the compiled-in default pack (default true). */
  defaultPack?: boolean;
}

export interface TimeOptions {
  /** Reference time for "tomorrow", "within 3 days"; default: now. */
  now?: TimeInput | null;
  /** IANA time zone ("Europe/Berlin") or UTC offset ("+02:00", "UTC"); default UTC. */
  tz?: string | null;
  /** "en-US" (3/4 is March 4, the default) or "en-GB" (3 April). */
  locale?: string | null;
}

export interface AnalyzeOptions extends TimeOptions {
  role?: Role | null;
}

export interface ToneOptions {
  role?: Role | null;
}

export interface Span {
  start: number;
  end: number;
}

export type TokenKind =
  | 'word' | 'number' | 'punct' | 'emoji' | 'url' | 'email' | 'mention' | 'hashtag'
  | 'symbol' | 'emoticon';

export interface Token extends Span {
  kind: TokenKind | string;
  text: string;
  /** Normalized form: NFKC, case-folded, apostrophes unified, contractions expanded. */
  norm: string;
  /** Index of the sentence holding the token. */
  sentence: number;
  /** "all_caps", "capitalized", "clitic", "space_before". */
  flags: string[];
}

export type Sentence = Span;

export interface Match extends Span {
  lexicon: string;
  entry: string;
  weight: number;
}

export interface Evidence extends Span {
  dim: string;
  text: string;
  /** A lexicon entry ("lexicon:entry") or a rule name such as "caps-emphasis". */
  source: string;
  weight: number;
}

export interface Tone {
  /** sentiment, positive, negative, neutral, politeness, ..., readability, anger. */
  scores: Record<string, number>;
  evidence: Evidence[];
}

export interface TimeExpression extends Span {
  kind: 'duration' | 'deadline' | 'vague' | string;
  text: string;
  grain: string;
  minSeconds: number;
  maxSeconds: number;
  businessDays: number;
  intervalStart: Date;
  intervalEnd: Date;
}

export interface Commitment extends Span {
  text: string;
  actor: 'we' | 'i' | 'you' | 'none' | string;
  action: string;
  object: string | null;
  certainty: 'guaranteed' | 'firm' | 'hedged' | 'none' | string;
  condition: string | null;
  timeframe: TimeExpression | null;
  /** e.g. "no-timeframe", "vague-timeframe", "guarantee", "conditional". */
  flags: string[];
}

export interface Threat extends Span {
  text: string;
}

export interface Category {
  name: string;
  score: number;
}

export interface Complaint {
  isComplaint: boolean;
  probability: number;
  /** Best first; scores sum to 1. */
  categories: Category[];
  requestedOutcome: string;
  escalation: Threat | null;
  churn: Threat | null;
  public: Threat | null;
  anger: number;
  /** 0 none, 1 low, 2 high, 3 critical. */
  severity: number;
}

export interface Analysis {
  text: string;
  stats: Record<string, number>;
  tokens: Token[];
  sentences: Sentence[];
  matches: Match[];
  tone: Tone | null;
  times: TimeExpression[];
  promises: Commitment[];
  /** Only for role "customer"; null otherwise. */
  complaint: Complaint | null;
}

export interface ReviewOptions extends TimeOptions {
  /** The customer's message the reply answers; omit it when unknown. */
  customer?: string | null;
  /** The customer's name; default: looked for in their message. */
  name?: string | null;
  /** A pack profile ("chat", "email", ...); an unknown one throws TactError. */
  profile?: string | null;
  /** Rule ids not to run; an unknown id throws TactError ("invalid argument"). */
  disable?: Iterable<string> | null;
  /** When not empty, run only these rule ids. */
  only?: Iterable<string> | null;
}

/** A machine-readable fix: put `replacement` in place of `reply.slice(start, end)` ("" deletes). */
export interface Fix extends Span {
  replacement: string;
}

export type FindingKind = 'violation' | 'missing' | 'good';
export type Severity = 'info' | 'warning' | 'error';

export interface Finding {
  /** The rule id ("say-no", "apologize", ...). */
  rule: string;
  /** violation: a don't is present; missing: a do was owed and is absent; good: a do is present. */
  kind: FindingKind | string;
  severity: Severity | string;
  /** String indices into the reply, or null (with `end` and `text`) when the finding has no span. */
  start: number | null;
  end: number | null;
  /** `reply.slice(start, end)`, or null. */
  text: string | null;
  /** What triggered it: the matched phrase, the statistic, or the customer's words that made a do owed. */
  evidence: string;
  message: string;
  /** Advice for the agent; "" when the rule gives none. */
  suggestion: string;
  /** 0..1: how sure the rule is. */
  confidence: number;
  fix: Fix | null;
}

export interface Review {
  /** The reply. */
  text: string;
  /** 0..100. */
  score: number;
  /** In reply order; those without a span last. */
  findings: Finding[];
  /** The customer's message classified (as `classify` does), or null without one. */
  customer: Complaint | null;
  /** The customer's message's tone (spans index the customer's text), or null. */
  customerTone: Tone | null;
  /** The reply's tone, time expressions and promises. */
  tone: Tone | null;
  times: TimeExpression[];
  promises: Commitment[];
}

/** A libtact failure. */
export class TactError extends Error {
  constructor(code: number, status: string, message: string, offset?: number | null,
              source?: string, line?: number, input?: 'reply' | 'customer' | null);
  /** The tact_status value (1 = TACT_E_ARG ... 9 = TACT_E_INTERNAL). */
  code: number;
  /** Its description: "invalid argument", "invalid UTF-8", "unusable input", "limit exceeded", ... */
  status: string;
  /** String index into the text where it applies, else null. */
  offset: number | null;
  /** The rule pack's name (file path, or "(node)" for an XML string), or "". */
  source: string;
  /** 1-based line in the rule pack, or 0. */
  line: number;
  /** For `review`: the text `offset` points into, "reply" or "customer"; else null. */
  input: 'reply' | 'customer' | null;
}

/** The default pack plus any `packs`; immutable once made, share it. */
export class Engine {
  constructor(options?: EngineOptions);
  /** Everything libtact finds in `text`. */
  analyze(text: string, options?: AnalyzeOptions): Analysis;
  /** Tone scores with evidence. */
  tone(text: string, options?: ToneOptions): Tone;
  /** The commitments in `text` (role agent) with timeframes and policy flags. */
  promises(text: string, options?: TimeOptions): Commitment[];
  /** Complaint classification of a customer message. */
  classify(text: string): Complaint;
  /** Reviews an agent's reply (in its conversation) against the packs' do's and don'ts. */
  review(reply: string, options?: ReviewOptions): Review;
  /** Frees the engine now (it is also freed when garbage-collected). Idempotent. */
  close(): void;
}

/** The linked libtact's version string, e.g. "0.1.0". */
export function libraryVersion(): string;
/** The path or name libtact was loaded from. */
export const libraryPath: string;
export const ROLES: Readonly<Record<Role, number>>;
/** The TACT_JSON_* section bits of tact.h. */
export const SECTIONS: Readonly<{
  stats: number; tokens: number; sentences: number; matches: number;
  times: number; promises: number; tone: number; complaint: number; review: number;
}>;
