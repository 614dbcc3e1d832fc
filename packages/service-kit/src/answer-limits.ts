import { getHeapStatistics } from 'node:v8';
import { defaultFieldResolver, GraphQLError, getNullableType, isListType, isObjectType, type GraphQLSchema } from 'graphql';
import { resourceLimitExceeded } from './errors.js';

/** How much of an answer one request may make a subgraph build. */
export interface AnswerLimits {
  /** Most list items (of every list field together) in one answer. */
  maxItems: number;
  /** V8 heap in use, in bytes, above which a request still building a large answer is ended. */
  memoryCeilingBytes: number;
}

/** Defaults: 50,000 list items, and 80 % of V8's heap limit. */
export const DEFAULT_MAX_ANSWER_ITEMS = 50_000;
export const DEFAULT_MEMORY_CEILING_PERCENT = 80;

/** The ceiling in bytes for `percent` of this process's V8 heap limit. */
export const memoryCeilingBytes = (percent: number) => Math.floor((getHeapStatistics().heap_size_limit * percent) / 100);

/** Heap use is looked at each time a request begins this many lists or counts this many items. */
const MEMORY_CHECK_EVERY = 1_000;

const BUDGET = Symbol('answerBudget');

/**
 * One request's account of what its answer holds. Once a limit is passed, every further list
 * of the request resolves empty without running its resolver, so execution winds down at once
 * rather than building the rest, and the request answers with one error and no data.
 */
export class AnswerBudget {
  #items = 0;
  /** Lists begun and items counted: what the heap is looked at by. */
  #work = 0;
  #nextMemoryCheck = MEMORY_CHECK_EVERY;
  /** The error that ended the request, once it has. */
  exceeded: GraphQLError | null = null;

  constructor(private readonly limits: AnswerLimits) {}

  /**
   * A list field is about to be resolved. Each one pending holds memory before it has any items
   * (a level of nesting starts one per parent at once), so the heap is also watched here.
   */
  begin(): void {
    this.#work += 1;
    this.#watchMemory();
  }

  /** Counts `items` more; throws the limit's error the first time one is passed. */
  add(items: number): void {
    this.#items += items;
    this.#work += items;
    if (this.#items > this.limits.maxItems) {
      this.#exceed(resourceLimitExceeded(`The answer would hold more than ${this.limits.maxItems} list items; ask for fewer or smaller lists.`, 'answerSize'));
    }
    this.#watchMemory();
  }

  #watchMemory(): void {
    if (this.#work < this.#nextMemoryCheck) return;
    this.#nextMemoryCheck = this.#work + MEMORY_CHECK_EVERY;
    if (getHeapStatistics().used_heap_size > this.limits.memoryCeilingBytes) {
      this.#exceed(resourceLimitExceeded('The service is short of memory for an answer this large; ask for less, or try again later.', 'memory'));
    }
  }

  #exceed(error: GraphQLError): never {
    this.exceeded ??= error;
    throw error;
  }
}

/** Gives `context` (one request's) a budget under `limits`; returns it. */
export function attachAnswerBudget(context: object, limits: AnswerLimits): AnswerBudget {
  const budget = new AnswerBudget(limits);
  (context as { [BUDGET]?: AnswerBudget })[BUDGET] = budget;
  return budget;
}

/** The budget of the request whose context this is, if it has one. */
export const answerBudgetOf = (context: unknown): AnswerBudget | undefined =>
  context && typeof context === 'object' ? (context as { [BUDGET]?: AnswerBudget })[BUDGET] : undefined;

const isThenable = (value: unknown): value is PromiseLike<unknown> => typeof (value as { then?: unknown } | null)?.then === 'function';

/**
 * Wraps the resolver of every list field of `schema` so that each list resolved counts its
 * items against the request's {@link AnswerBudget}. An answer grows large only through lists
 * (each nesting multiplies), so counting them bounds it; scalar and object fields stay
 * unwrapped and cost nothing.
 */
export function countListItems(schema: GraphQLSchema): void {
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith('__')) continue;
    for (const field of Object.values(type.getFields())) {
      if (!isListType(getNullableType(field.type))) continue;
      const resolve = field.resolve ?? defaultFieldResolver;
      field.resolve = (source, args, context, info) => {
        const budget = answerBudgetOf(context);
        if (!budget) return resolve(source, args, context, info);
        if (budget.exceeded) return [];
        budget.begin();
        const count = (value: unknown) => {
          // Lists still in flight when the limit was passed are dropped, without another error.
          if (budget.exceeded) return [];
          if (Array.isArray(value)) budget.add(value.length);
          return value;
        };
        const result = resolve(source, args, context, info);
        return isThenable(result) ? Promise.resolve(result).then(count) : count(result);
      };
    }
  }
}
