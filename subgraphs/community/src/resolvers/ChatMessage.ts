import { selectedFields } from '@academy/service-kit';
import type { ChatMessageResolvers } from '../generated/graphql.js';
import { roomOfMessage } from '../services/chat-room.service.js';

export const ChatMessage: ChatMessageResolvers = {
  room: (m, _, ctx, info) => roomOfMessage(ctx, m, selectedFields(info)),
  sender: (m) => (m.sender_id ? { __typename: 'User', id: m.sender_id } : null),
  content: (m) => (m.deleted_at ? '' : m.content),
  sentAt: (m) => m.sent_at,
  editedAt: (m) => m.edited_at,
  deleted: (m) => m.deleted_at !== null,
  deletedAt: (m) => m.deleted_at,
  deletedBy: (m) => (m.deleted_by ? { __typename: 'User', id: m.deleted_by } : null),
  clientMessageId: (m) => m.client_message_id,
};
