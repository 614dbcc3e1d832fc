// Course materials: what a valid material is, who may change them (the rules of course
// authoring) and who may open them (those of lesson bodies).
import { badUserInput, intInRange, loadRequired, notFound, parseId } from '@academy/service-kit';
import type { Transaction } from 'kysely';
import type { LearningContext } from '../context.js';
import type { Course, CourseMaterial, CourseMaterialUpdate, LearningDatabase } from '../db/database.js';
import type { AddCourseMaterialInput, UpdateCourseMaterialInput } from '../generated/graphql.js';
import {
  appendMaterial,
  countMaterials,
  courseIdOfMaterial,
  deleteMaterial,
  findMaterial,
  moveMaterialTo,
  updateMaterialRow,
} from '../repositories/course-material.repository.js';
import { editableCourse, optionalText, requireAuthor, title } from './course-authoring.service.js';
import { mayOpenCourseContent } from './course-content.service.js';

type Trx = Transaction<LearningDatabase>;

const URL_MAX = 2048;
const SIZE_MAX = 2_147_483_647;
const DESCRIPTION_MAX = 2000;
/** type/subtype with RFC 6838's name characters; parameters (charset=…) are not kept. */
const MEDIA_TYPE = /^[a-z0-9][a-z0-9!#$&^_.+-]{0,126}\/[a-z0-9][a-z0-9!#$&^_.+-]{0,126}$/;

/** An absolute https URL without credentials, as the URL parser writes it; BAD_USER_INPUT otherwise. */
function httpsUrl(value: string, field: string): string {
  const trimmed = value.trim();
  const refuse = () => badUserInput(`"${field}" must be an absolute https URL of at most ${URL_MAX} characters.`, field);
  if (trimmed.length === 0 || trimmed.length > URL_MAX || /\s/.test(trimmed)) throw refuse();
  let url: URL;
  try {
    url = new URL(trimmed);
  } catch {
    throw refuse();
  }
  if (url.protocol !== 'https:' || !url.hostname) throw refuse();
  // A password in a link would be shown to every learner who may open it.
  if (url.username || url.password) throw badUserInput(`"${field}" must not carry a user name or password.`, field);
  if (url.href.length > URL_MAX) throw refuse();
  return url.href;
}

function optionalMediaType(value: string | null | undefined, field: string): string | null {
  if (value == null) return null;
  const type = value.trim().toLowerCase();
  if (!MEDIA_TYPE.test(type)) throw badUserInput(`"${field}" must be a media type such as application/pdf.`, field);
  return type;
}

const optionalSize = (value: number | null | undefined, field: string) => (value == null ? null : intInRange(value, field, 0, SIZE_MAX));

/** Runs `work` under the lock of the material's course, if the viewer may edit that course. */
async function withEditableMaterial<T>(ctx: LearningContext, id: string, work: (trx: Trx, material: CourseMaterial, course: Course) => Promise<T>): Promise<T> {
  const viewer = requireAuthor(ctx);
  const materialId = parseId(id);
  return ctx.db.transaction().execute(async (trx) => {
    const courseId = await courseIdOfMaterial(trx, materialId);
    if (!courseId) throw notFound('No such course material.');
    const course = await editableCourse(ctx, trx, viewer, courseId);
    // Read again under the course's lock: it may have gone meanwhile.
    const material = await findMaterial(trx, materialId);
    if (!material || material.course_id !== course.id) throw notFound('No such course material.');
    return work(trx, material, course);
  });
}

/** Adds a material at the end of a course's materials. */
export async function addCourseMaterial(ctx: LearningContext, courseId: string, input: AddCourseMaterialInput): Promise<CourseMaterial> {
  const viewer = requireAuthor(ctx);
  const id = parseId(courseId, 'courseId');
  const values = {
    title: title(input.title, 'input.title'),
    description: optionalText(input.description, 'input.description', DESCRIPTION_MAX),
    kind: input.kind,
    url: httpsUrl(input.url, 'input.url'),
    size_bytes: optionalSize(input.sizeBytes, 'input.sizeBytes'),
    media_type: optionalMediaType(input.mediaType, 'input.mediaType'),
    visibility: input.visibility ?? 'ENROLLED',
  };
  return ctx.db.transaction().execute(async (trx) => {
    const course = await editableCourse(ctx, trx, viewer, id);
    return appendMaterial(trx, { ...values, course_id: course.id });
  });
}

/** Changes a material; a different url, size or media type is a new version of its file. */
export async function updateCourseMaterial(ctx: LearningContext, id: string, input: UpdateCourseMaterialInput): Promise<CourseMaterial> {
  requireAuthor(ctx);
  const changes: CourseMaterialUpdate = {};
  const required = <K extends 'title' | 'kind' | 'url' | 'visibility'>(key: K): NonNullable<UpdateCourseMaterialInput[K]> => {
    const value = input[key];
    if (value == null) throw badUserInput(`"input.${key}" cannot be null.`, `input.${key}`);
    return value;
  };
  if ('title' in input) changes.title = title(required('title'), 'input.title');
  if ('description' in input) changes.description = optionalText(input.description, 'input.description', DESCRIPTION_MAX);
  if ('kind' in input) changes.kind = required('kind');
  if ('url' in input) changes.url = httpsUrl(required('url'), 'input.url');
  if ('sizeBytes' in input) changes.size_bytes = optionalSize(input.sizeBytes, 'input.sizeBytes');
  if ('mediaType' in input) changes.media_type = optionalMediaType(input.mediaType, 'input.mediaType');
  if ('visibility' in input) changes.visibility = required('visibility');
  if (Object.keys(changes).length === 0) throw badUserInput('Give at least one field to change.', 'input');
  return withEditableMaterial(ctx, id, (trx, material) => {
    const newFile =
      (changes.url !== undefined && changes.url !== material.url) ||
      (changes.size_bytes !== undefined && changes.size_bytes !== material.size_bytes) ||
      (changes.media_type !== undefined && changes.media_type !== material.media_type);
    return updateMaterialRow(trx, material.id, changes, newFile);
  });
}

/** Moves a material within its course; the positions stay 1..n. */
export const moveCourseMaterial = (ctx: LearningContext, id: string, position: number): Promise<CourseMaterial> =>
  withEditableMaterial(ctx, id, async (trx, material, course) => {
    intInRange(position, 'position', 1, await countMaterials(trx, course.id));
    return material.position === position ? material : moveMaterialTo(trx, material.id, position);
  });

/** Removes a material; those after it move up one. Answers its course. */
export const removeCourseMaterial = (ctx: LearningContext, id: string): Promise<Course> =>
  withEditableMaterial(ctx, id, async (trx, material, course) => {
    await deleteMaterial(trx, material.id);
    return course;
  });

/** A course's materials in order, as whoever sees the course sees them listed. */
export const materialsOfCourse = (ctx: LearningContext, course: Course): Promise<CourseMaterial[]> => ctx.loaders.materialsByCourse.load(course.id);

/** Whether the viewer may not open `material`: an ENROLLED one, for anyone but enrolled learners, the author and ADMIN. */
export async function isMaterialLocked(ctx: LearningContext, material: CourseMaterial): Promise<boolean> {
  return material.visibility !== 'PUBLIC' && !(await mayOpenCourseContent(ctx, material.course_id));
}

/** The material's url, or null while it is locked for the viewer. */
export async function materialUrl(ctx: LearningContext, material: CourseMaterial): Promise<string | null> {
  return (await isMaterialLocked(ctx, material)) ? null : material.url;
}

/** The course a material belongs to. */
export const courseOfMaterial = (ctx: LearningContext, material: CourseMaterial): Promise<Course> =>
  loadRequired(ctx.loaders.courseById, material.course_id, 'course');
