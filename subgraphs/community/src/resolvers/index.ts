import { DateTime } from '@academy/service-kit';
import type { Resolvers } from '../generated/graphql.js';
import { ChatMember } from './ChatMember.js';
import { ChatMessage } from './ChatMessage.js';
import { ChatRoom } from './ChatRoom.js';
import { Comment } from './Comment.js';
import { ContentReport } from './ContentReport.js';
import { Mutation } from './Mutation.js';
import { Notification } from './Notification.js';
import { Post } from './Post.js';
import { Query } from './Query.js';
import { RoomActivity } from './RoomActivity.js';
import { Subscription } from './Subscription.js';
import { TrainingSession } from './TrainingSession.js';
import { User } from './User.js';

export const resolvers: Resolvers = {
  DateTime,
  Query,
  Mutation,
  Subscription,
  User,
  TrainingSession,
  ChatRoom,
  ChatMember,
  ChatMessage,
  Notification,
  RoomActivity,
  Post,
  Comment,
  ContentReport,
};
