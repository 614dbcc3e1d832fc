import { parseId, requireViewer } from '@academy/service-kit';
import { Kind, type FieldNode, type GraphQLObjectType, type GraphQLResolveInfo } from 'graphql';
import { getArgumentValues } from 'graphql/execution/values.js';
import type { CommunityContext } from '../context.js';
import { findRoomForViewer } from '../repositories/chat-room.repository.js';
import { messagePageOf, type MessagesArgs } from './ChatRoom.js';

export const Query = {
  /** null both for a missing room and for a room the viewer is not in: membership is not disclosed. */
  async chatRoom(_: unknown, args: { id: string }, ctx: CommunityContext, info: GraphQLResolveInfo) {
    const viewer = requireViewer(ctx);
    const id = parseId(args.id);
    // The room, the viewer's membership and the page of history the query asks for are one
    // read; the loaders then hold them for the room's fields.
    const page = askedMessagePage(info);
    const found = await findRoomForViewer(ctx.db, id, viewer.userId, page);
    if (found.room) ctx.loaders.roomById.prime(id, found.room);
    ctx.loaders.viewerMembershipByRoom.prime(id, found.membership);
    if (page && found.page) ctx.loaders.messagePage.prime({ roomId: id, ...page }, found.page);
    return found.room && found.membership ? found.room : null;
  },
};

/** The page `chatRoom { messages(...) }` asks for, if the query selects it once with valid arguments. */
function askedMessagePage(info: GraphQLResolveInfo): { before: number | null; limit: number } | null {
  const roomType = info.schema.getType('ChatRoom');
  const field = roomType && 'getFields' in roomType ? (roomType as GraphQLObjectType).getFields().messages : undefined;
  if (!field) return null;
  const nodes = info.fieldNodes.flatMap((node) =>
    (node.selectionSet?.selections ?? []).filter((s): s is FieldNode => s.kind === Kind.FIELD && s.name.value === 'messages'),
  );
  // Aliased pages with different arguments: leave them to the field's own loader.
  if (nodes.length !== 1) return null;
  try {
    return messagePageOf(getArgumentValues(field, nodes[0]!, info.variableValues) as MessagesArgs);
  } catch {
    return null; // the field reports the bad argument itself
  }
}
