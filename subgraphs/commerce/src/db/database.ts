import type { EntityReference } from '@academy/service-kit';
import type { Selectable } from 'kysely';
import type { CommercePrices, DB } from '../generated/tables.js';

/** The commerce subgraph's tables (its own schema only), as the migrations build them. */
export type CommerceDatabase = DB;

export type Price = Selectable<CommercePrices>;
/** The price of a course (not of one session). */
export type CoursePrice = Price & { course_id: string };
/** A course of the learning subgraph, referred to by id: commerce only adds its price. */
export type CourseReference = EntityReference<'Course'>;
