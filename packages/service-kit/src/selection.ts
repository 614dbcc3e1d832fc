import { Kind, type FieldNode, type GraphQLResolveInfo, type SelectionSetNode } from 'graphql';

/**
 * The fields an operation selects directly under the field being resolved, through inline
 * fragments and named fragment spreads (each spread followed once). A resolver uses it to fetch
 * ahead what its children will ask for, e.g. a course's modules with the course.
 */
export function selectedFields(info: GraphQLResolveInfo): FieldNode[] {
  const fields: FieldNode[] = [];
  const spread = new Set<string>();
  const walk = (selectionSet: SelectionSetNode | undefined) => {
    for (const selection of selectionSet?.selections ?? []) {
      if (selection.kind === Kind.FIELD) fields.push(selection);
      else if (selection.kind === Kind.INLINE_FRAGMENT) walk(selection.selectionSet);
      else if (!spread.has(selection.name.value)) {
        spread.add(selection.name.value);
        walk(info.fragments[selection.name.value]?.selectionSet);
      }
    }
  };
  for (const node of info.fieldNodes) walk(node.selectionSet);
  return fields;
}

/** Whether the field being resolved has `name` among its selected children (fragments included). */
export function selectsField(info: GraphQLResolveInfo, name: string): boolean {
  return selectedFields(info).some((field) => field.name.value === name);
}
