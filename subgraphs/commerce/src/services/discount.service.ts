import { badUserInput, conflict, intInRange, isCurrencyCode, requireRole } from '@academy/service-kit';
import type { CommerceContext } from '../context.js';
import type { DiscountCode } from '../db/database.js';
import type { CreateDiscountCodeInput } from '../generated/graphql.js';
import { findDiscountCodes, insertDiscountCode } from '../repositories/discount.repository.js';

/** What a discount code looks like: 3–32 letters, digits and hyphens (stored upper-case). */
export const DISCOUNT_CODE = /^[A-Z0-9-]{3,32}$/;
/** The largest FIXED discount, in minor units. */
const MAX_FIXED_DISCOUNT = 10_000_000;

/** A code as given, trimmed and upper-cased, so codes match whatever the case. */
export const normalizeCode = (code: string): string => code.trim().toUpperCase();

/**
 * ADMIN creates a discount code. Checked first (BAD_USER_INPUT naming the field); stored
 * upper-case under a unique constraint, so two codes differing only in case are one (CONFLICT).
 */
export async function createDiscountCode(ctx: CommerceContext, input: CreateDiscountCodeInput): Promise<DiscountCode> {
  const viewer = requireRole(ctx, 'ADMIN');
  const code = normalizeCode(input.code);
  if (!DISCOUNT_CODE.test(code)) throw badUserInput('"input.code" must be 3–32 letters, digits or hyphens.', 'input.code');
  const value = input.kind === 'PERCENT' ? intInRange(input.value, 'input.value', 1, 100) : intInRange(input.value, 'input.value', 1, MAX_FIXED_DISCOUNT);
  let currency: string | null = null;
  if (input.kind === 'FIXED') {
    currency = (input.currency ?? '').trim().toUpperCase();
    if (!isCurrencyCode(currency)) throw badUserInput('"input.currency" must be an ISO 4217 code such as GBP for a FIXED code.', 'input.currency');
  } else if (input.currency != null) {
    throw badUserInput('"input.currency" is only for FIXED codes.', 'input.currency');
  }
  const validFrom = input.validFrom ?? null;
  const validUntil = input.validUntil ?? null;
  if (validFrom && validUntil && validUntil <= validFrom) throw badUserInput('"input.validUntil" must be after "input.validFrom".', 'input.validUntil');
  const usageLimit = input.usageLimit == null ? null : intInRange(input.usageLimit, 'input.usageLimit', 1, 1_000_000);
  const created = await insertDiscountCode(ctx.db, {
    code,
    kind: input.kind,
    value,
    currency,
    valid_from: validFrom,
    valid_until: validUntil,
    usage_limit: usageLimit,
    created_by: viewer.userId,
  });
  if (!created) throw conflict(`The discount code ${code} exists already.`);
  return created;
}

/** Every discount code, newest first (ADMIN). */
export async function listDiscountCodes(ctx: CommerceContext): Promise<DiscountCode[]> {
  requireRole(ctx, 'ADMIN');
  return findDiscountCodes(ctx.db);
}

/** Why a code does not apply, or what it takes off. */
export type DiscountOutcome = { applies: true; amountMinor: number } | { applies: false; reason: DiscountRefusal; message: string };

/** The reasons a code is not applied. */
export type DiscountRefusal = 'UNKNOWN' | 'INACTIVE' | 'NOT_YET_VALID' | 'EXPIRED' | 'USED_UP' | 'CURRENCY_MISMATCH';

/**
 * What a code takes off a subtotal at `at`. PERCENT rounds down to the minor unit:
 * floor(subtotal × percent / 100), so a discount never exceeds what the percentage says; FIXED
 * takes its value, never more than the subtotal (the total never goes below 0).
 */
export function evaluateDiscount(code: DiscountCode | undefined, subtotalMinor: number, currency: string, at: Date): DiscountOutcome {
  if (!code) return { applies: false, reason: 'UNKNOWN', message: 'Unknown discount code.' };
  if (!code.active) return { applies: false, reason: 'INACTIVE', message: 'This discount code is inactive.' };
  if (code.valid_from && code.valid_from > at) return { applies: false, reason: 'NOT_YET_VALID', message: `This discount code is not valid until ${code.valid_from.toISOString()}.` };
  if (code.valid_until && code.valid_until <= at) return { applies: false, reason: 'EXPIRED', message: 'This discount code has expired.' };
  if (code.usage_limit !== null && code.usage_count >= code.usage_limit) return { applies: false, reason: 'USED_UP', message: 'This discount code is used up.' };
  if (code.kind === 'FIXED' && code.currency !== currency) {
    return { applies: false, reason: 'CURRENCY_MISMATCH', message: `This discount code is for ${code.currency} orders, not ${currency}.` };
  }
  const amountMinor = code.kind === 'PERCENT' ? Math.floor((subtotalMinor * code.value) / 100) : Math.min(code.value, subtotalMinor);
  return { applies: true, amountMinor: Math.min(amountMinor, subtotalMinor) };
}
