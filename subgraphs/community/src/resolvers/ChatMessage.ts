import { Kind, type GraphQLResolveInfo } from 'graphql';
import type { CommunityContext } from '../context.js';
import type { ChatMessage as MessageRow } from '../db/database.js';

/** Whether the field selects nothing but the room's key (as the gateway's plans do): then no read is needed. */
function selectsKeyOnly(info: GraphQLResolveInfo): boolean {
  return info.fieldNodes.every((node) =>
    (node.selectionSet?.selections ?? []).every(
      (selection) => selection.kind === Kind.FIELD && (selection.name.value === 'id' || selection.name.value === '__typename'),
    ),
  );
}

export const ChatMessage = {
  async room(m: MessageRow, _: unknown, ctx: CommunityContext, info: GraphQLResolveInfo) {
    if (selectsKeyOnly(info)) return { id: m.room_id };
    return ctx.loaders.roomById.load(m.room_id);
  },
  sender: (m: MessageRow) => (m.sender_id ? { __typename: 'User', id: m.sender_id } : null),
  content: (m: MessageRow) => (m.deleted_at ? '' : m.content),
  sentAt: (m: MessageRow) => m.sent_at,
  editedAt: (m: MessageRow) => m.edited_at,
  deleted: (m: MessageRow) => m.deleted_at !== null,
  clientMessageId: (m: MessageRow) => m.client_message_id,
};
