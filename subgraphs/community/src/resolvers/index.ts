import { DateTime } from '@academy/service-kit';
import { ChatMember, ChatRoom } from './ChatRoom.js';
import { Query } from './Query.js';
import { User } from './User.js';

export const resolvers = { DateTime, Query, User, ChatRoom, ChatMember };
