import type { TableSpec } from './bulk-insert.js';

/** Every table the seed fills, in the order it loads them (parents before children). */
export const SEEDED_TABLES = [
  'identity.users',
  'identity.user_roles',
  'learning.topics',
  'learning.courses',
  'learning.course_topics',
  'learning.modules',
  'learning.lessons',
  'learning.course_materials',
  'learning.enrollments',
  'learning.lesson_progress',
  'learning.certificates',
  'learning.learning_paths',
  'learning.learning_path_courses',
  'scheduling.venues',
  'scheduling.trainers',
  'scheduling.trainer_qualifications',
  'scheduling.training_sessions',
  'scheduling.trainer_working_hours',
  'scheduling.trainer_time_off',
  'scheduling.coaching_sessions',
  'scheduling.session_feedback',
  'scheduling.session_topics',
  'scheduling.events',
  'scheduling.course_prices',
  'scheduling.registrations',
  'scheduling.registration_requirements',
  'scheduling.attendance_records',
  'commerce.prices',
  'learning.course_prices',
  'commerce.sessions',
  'commerce.seat_holds',
  'commerce.events',
  'commerce.courses',
  'commerce.ticket_types',
  'commerce.discount_codes',
  'commerce.orders',
  'commerce.order_items',
  'commerce.order_item_attendees',
  'commerce.discount_redemptions',
  'commerce.payments',
  'commerce.refunds',
  'commerce.tickets',
  'community.chat_rooms',
  'community.chat_room_members',
  'community.chat_room_mutes',
  'community.chat_messages',
  'community.posts',
  'community.post_comments',
  'community.post_reactions',
  'community.post_mentions',
  'community.content_reports',
  'community.notifications',
  'community.training_sessions',
  'community.session_registrations',
  'community.reminders',
  'community.notification_preferences',
  'community.notification_quiet_hours',
  'ai_analytics.analytics_events',
  'ai_analytics.analytics_reports',
  'ai_analytics.coaching_tips',
  'ai_analytics.topic_coaching_tips',
  'ai_analytics.course_catalogue',
  'ai_analytics.course_enrollments',
  'ai_analytics.course_popularity',
  'ai_analytics.course_similarity',
  'ai_analytics.scheduled_events',
  'ai_analytics.event_tasks',
  'ai_analytics.course_documents',
  'ai_analytics.ai_conversations',
  'ai_analytics.ai_messages',
  'ai_analytics.ai_usage',
] as const;

export type SeededTable = (typeof SEEDED_TABLES)[number];

const spec = (table: SeededTable, columns: TableSpec['columns']): TableSpec => ({ table, columns });

/** The columns the seed writes, by table; database defaults fill the rest. */
export const TABLE_SPECS: Readonly<Record<SeededTable, TableSpec>> = {
  'identity.users': spec('identity.users', [
    ['id', 'uuid'], ['email', 'text'], ['password_hash', 'text'], ['first_name', 'text'], ['last_name', 'text'],
    ['display_name', 'text'], ['avatar_url', 'text'], ['bio', 'text'], ['timezone', 'text'], ['language', 'text'],
    ['created_at', 'timestamptz'], ['updated_at', 'timestamptz'],
  ]),
  'identity.user_roles': spec('identity.user_roles', [
    ['user_id', 'uuid'], ['role', 'text'], ['granted_at', 'timestamptz'], ['granted_by', 'uuid'],
  ]),
  'learning.topics': spec('learning.topics', [['id', 'uuid'], ['name', 'text'], ['description', 'text'], ['created_at', 'timestamptz']]),
  'learning.courses': spec('learning.courses', [
    ['id', 'uuid'], ['slug', 'text'], ['title', 'text'], ['summary', 'text'], ['description', 'text'], ['level', 'text'],
    ['language', 'text'], ['duration_minutes', 'integer'], ['status', 'text'], ['certificate_validity_months', 'integer'],
    ['author_id', 'uuid'], ['enrollment_count', 'integer'], ['completed_count', 'integer'], ['published_at', 'timestamptz'],
    ['created_at', 'timestamptz'], ['updated_at', 'timestamptz'],
  ]),
  'learning.course_topics': spec('learning.course_topics', [['course_id', 'uuid'], ['topic_id', 'uuid']]),
  'learning.modules': spec('learning.modules', [
    ['id', 'uuid'], ['course_id', 'uuid'], ['title', 'text'], ['position', 'integer'], ['created_at', 'timestamptz'],
  ]),
  'learning.lessons': spec('learning.lessons', [
    ['id', 'uuid'], ['module_id', 'uuid'], ['title', 'text'], ['kind', 'text'], ['position', 'integer'],
    ['duration_minutes', 'integer'], ['body', 'text'], ['created_at', 'timestamptz'],
  ]),
  'learning.course_materials': spec('learning.course_materials', [
    ['id', 'uuid'], ['course_id', 'uuid'], ['title', 'text'], ['description', 'text'], ['kind', 'text'], ['url', 'text'],
    ['size_bytes', 'integer'], ['media_type', 'text'], ['position', 'integer'], ['version', 'integer'], ['visibility', 'text'],
    ['created_at', 'timestamptz'], ['updated_at', 'timestamptz'],
  ]),
  'learning.lesson_progress': spec('learning.lesson_progress', [
    ['user_id', 'uuid'], ['lesson_id', 'uuid'], ['progress_percent', 'integer'], ['completed_at', 'timestamptz'],
    ['recorded_at', 'timestamptz'], ['updated_at', 'timestamptz'],
  ]),
  'learning.certificates': spec('learning.certificates', [
    ['id', 'uuid'], ['enrollment_id', 'uuid'], ['user_id', 'uuid'], ['course_id', 'uuid'], ['number', 'text'],
    ['verification_code', 'text'], ['issued_at', 'timestamptz'], ['expires_at', 'timestamptz'], ['revoked_at', 'timestamptz'],
    ['revoked_reason', 'text'],
  ]),
  'learning.enrollments': spec('learning.enrollments', [
    ['id', 'uuid'], ['user_id', 'uuid'], ['course_id', 'uuid'], ['status', 'text'], ['progress_percent', 'integer'],
    ['enrolled_at', 'timestamptz'], ['completed_at', 'timestamptz'], ['source', 'text'], ['order_id', 'uuid'],
  ]),
  'learning.learning_paths': spec('learning.learning_paths', [
    ['id', 'uuid'], ['slug', 'text'], ['name', 'text'], ['description', 'text'], ['level', 'text'], ['status', 'text'], ['created_at', 'timestamptz'],
  ]),
  'learning.learning_path_courses': spec('learning.learning_path_courses', [['path_id', 'uuid'], ['course_id', 'uuid'], ['position', 'integer']]),
  'scheduling.venues': spec('scheduling.venues', [
    ['id', 'uuid'], ['name', 'text'], ['address_line1', 'text'], ['address_line2', 'text'], ['city', 'text'],
    ['postcode', 'text'], ['capacity', 'integer'], ['facilities', 'text[]'], ['parking_info', 'text'], ['is_active', 'boolean'],
    ['created_at', 'timestamptz'],
  ]),
  'scheduling.trainers': spec('scheduling.trainers', [
    ['id', 'uuid'], ['user_id', 'uuid'], ['bio', 'text'], ['specializations', 'text[]'], ['qualification_expires_at', 'timestamptz'],
    ['is_active', 'boolean'], ['rating_sum', 'integer'], ['rating_count', 'integer'], ['created_at', 'timestamptz'], ['time_zone', 'text'],
  ]),
  'scheduling.training_sessions': spec('scheduling.training_sessions', [
    ['id', 'uuid'], ['course_id', 'uuid'], ['venue_id', 'uuid'], ['trainer_id', 'uuid'], ['starts_at', 'timestamptz'],
    ['ends_at', 'timestamptz'], ['status', 'text'], ['capacity', 'integer'], ['seats_taken', 'integer'],
    ['online_join_url', 'text'], ['cancellation_reason', 'text'], ['cancelled_at', 'timestamptz'], ['created_at', 'timestamptz'],
  ]),
  'scheduling.trainer_qualifications': spec('scheduling.trainer_qualifications', [
    ['id', 'uuid'], ['trainer_id', 'uuid'], ['name', 'text'], ['issued_at', 'timestamptz'], ['expires_at', 'timestamptz'], ['created_at', 'timestamptz'],
  ]),
  'scheduling.session_topics': spec('scheduling.session_topics', [['session_id', 'uuid'], ['position', 'integer'], ['name', 'text'], ['topic_id', 'uuid']]),
  'scheduling.events': spec('scheduling.events', [
    ['id', 'uuid'], ['slug', 'text'], ['name', 'text'], ['description', 'text'], ['starts_at', 'timestamptz'], ['ends_at', 'timestamptz'],
    ['venue_id', 'uuid'], ['organizer_id', 'uuid'], ['status', 'text'], ['created_at', 'timestamptz'],
  ]),
  'scheduling.trainer_working_hours': spec('scheduling.trainer_working_hours', [
    ['trainer_id', 'uuid'], ['weekday', 'integer'], ['starts_at', 'time'], ['ends_at', 'time'],
  ]),
  'scheduling.coaching_sessions': spec('scheduling.coaching_sessions', [
    ['id', 'uuid'], ['trainer_id', 'uuid'], ['learner_id', 'uuid'], ['starts_at', 'timestamptz'], ['ends_at', 'timestamptz'],
    ['status', 'text'], ['meeting_url', 'text'], ['cancelled_at', 'timestamptz'], ['cancelled_by', 'uuid'], ['created_at', 'timestamptz'],
    ['no_show_at', 'timestamptz'], ['no_show_by', 'uuid'],
  ]),
  'scheduling.trainer_time_off': spec('scheduling.trainer_time_off', [
    ['id', 'uuid'], ['trainer_id', 'uuid'], ['starts_at', 'timestamptz'], ['ends_at', 'timestamptz'], ['reason', 'text'], ['created_by', 'uuid'],
    ['created_at', 'timestamptz'],
  ]),
  'scheduling.session_feedback': spec('scheduling.session_feedback', [
    ['id', 'uuid'], ['user_id', 'uuid'], ['coaching_session_id', 'uuid'], ['trainer_id', 'uuid'], ['rating', 'integer'], ['comment', 'text'],
    ['created_at', 'timestamptz'],
  ]),
  'scheduling.course_prices': spec('scheduling.course_prices', [
    ['course_id', 'uuid'], ['amount_minor', 'integer'], ['currency', 'text'], ['set_at', 'timestamptz'],
  ]),
  'scheduling.registrations': spec('scheduling.registrations', [
    ['id', 'uuid'], ['session_id', 'uuid'], ['user_id', 'uuid'], ['status', 'text'], ['hold_expires_at', 'timestamptz'],
    ['referred_by_user_id', 'uuid'], ['check_in_code', 'text'], ['created_at', 'timestamptz'], ['updated_at', 'timestamptz'],
    ['confirmed_at', 'timestamptz'],
  ]),
  'scheduling.registration_requirements': spec('scheduling.registration_requirements', [
    ['id', 'uuid'], ['registration_id', 'uuid'], ['position', 'integer'], ['kind', 'text'], ['description', 'text'], ['severity', 'text'],
    ['confidential', 'boolean'], ['share_with_trainer', 'boolean'], ['created_at', 'timestamptz'],
  ]),
  'scheduling.attendance_records': spec('scheduling.attendance_records', [
    ['registration_id', 'uuid'], ['session_id', 'uuid'], ['user_id', 'uuid'], ['status', 'text'], ['checked_in_at', 'timestamptz'],
    ['recorded_at', 'timestamptz'],
  ]),
  'commerce.prices': spec('commerce.prices', [
    ['id', 'uuid'], ['course_id', 'uuid'], ['session_id', 'uuid'], ['amount_minor', 'integer'], ['currency', 'text'],
    ['created_at', 'timestamptz'], ['updated_at', 'timestamptz'],
  ]),
  'learning.course_prices': spec('learning.course_prices', [
    ['course_id', 'uuid'], ['amount_minor', 'integer'], ['currency', 'text'], ['set_at', 'timestamptz'],
  ]),
  'commerce.sessions': spec('commerce.sessions', [
    ['id', 'uuid'], ['course_id', 'uuid'], ['starts_at', 'timestamptz'], ['ends_at', 'timestamptz'], ['status', 'text'], ['updated_at', 'timestamptz'],
  ]),
  'commerce.seat_holds': spec('commerce.seat_holds', [
    ['registration_id', 'uuid'], ['session_id', 'uuid'], ['user_id', 'uuid'], ['course_id', 'uuid'], ['hold_expires_at', 'timestamptz'],
    ['status', 'text'], ['updated_at', 'timestamptz'],
  ]),
  'commerce.events': spec('commerce.events', [
    ['id', 'uuid'], ['slug', 'text'], ['name', 'text'], ['organizer_id', 'uuid'], ['starts_at', 'timestamptz'], ['ends_at', 'timestamptz'],
  ]),
  'commerce.courses': spec('commerce.courses', [['id', 'uuid'], ['title', 'text'], ['updated_at', 'timestamptz']]),
  'commerce.ticket_types': spec('commerce.ticket_types', [
    ['id', 'uuid'], ['event_id', 'uuid'], ['name', 'text'], ['amount_minor', 'integer'], ['currency', 'text'], ['quantity', 'integer'],
    ['sold', 'integer'], ['created_at', 'timestamptz'],
  ]),
  'commerce.discount_codes': spec('commerce.discount_codes', [
    ['id', 'uuid'], ['code', 'text'], ['kind', 'text'], ['value', 'integer'], ['currency', 'text'], ['valid_from', 'timestamptz'],
    ['valid_until', 'timestamptz'], ['usage_limit', 'integer'], ['usage_count', 'integer'], ['active', 'boolean'], ['created_by', 'uuid'],
    ['created_at', 'timestamptz'],
  ]),
  'commerce.orders': spec('commerce.orders', [
    ['id', 'uuid'], ['reference', 'text'], ['user_id', 'uuid'], ['status', 'text'], ['currency', 'text'], ['subtotal_minor', 'integer'],
    ['discount_minor', 'integer'], ['total_minor', 'integer'], ['refunded_minor', 'integer'], ['discount_code_id', 'uuid'], ['discount_code', 'text'],
    ['created_at', 'timestamptz'], ['updated_at', 'timestamptz'], ['paid_at', 'timestamptz'], ['cancelled_at', 'timestamptz'],
  ]),
  'commerce.order_items': spec('commerce.order_items', [
    ['id', 'uuid'], ['order_id', 'uuid'], ['position', 'integer'], ['kind', 'text'], ['description', 'text'], ['quantity', 'integer'],
    ['unit_price_minor', 'integer'], ['total_minor', 'integer'], ['currency', 'text'], ['course_id', 'uuid'], ['session_id', 'uuid'],
    ['registration_id', 'uuid'], ['ticket_type_id', 'uuid'],
  ]),
  'commerce.order_item_attendees': spec('commerce.order_item_attendees', [['order_item_id', 'uuid'], ['position', 'integer'], ['name', 'text'], ['email', 'text']]),
  'commerce.discount_redemptions': spec('commerce.discount_redemptions', [
    ['id', 'uuid'], ['discount_code_id', 'uuid'], ['order_id', 'uuid'], ['user_id', 'uuid'], ['amount_minor', 'integer'], ['currency', 'text'],
    ['redeemed_at', 'timestamptz'], ['released_at', 'timestamptz'],
  ]),
  'commerce.payments': spec('commerce.payments', [
    ['id', 'uuid'], ['order_id', 'uuid'], ['status', 'text'], ['amount_minor', 'integer'], ['currency', 'text'], ['provider', 'text'],
    ['provider_reference', 'text'], ['failure_reason', 'text'], ['next_action_url', 'text'], ['created_at', 'timestamptz'], ['updated_at', 'timestamptz'],
    ['succeeded_at', 'timestamptz'],
  ]),
  'commerce.refunds': spec('commerce.refunds', [
    ['id', 'uuid'], ['order_id', 'uuid'], ['amount_minor', 'integer'], ['fee_minor', 'integer'], ['net_minor', 'integer'], ['currency', 'text'],
    ['status', 'text'], ['reason', 'text'], ['requested_by', 'uuid'], ['decided_by', 'uuid'], ['requested_at', 'timestamptz'],
    ['decided_at', 'timestamptz'], ['processed_at', 'timestamptz'], ['provider_refund_reference', 'text'],
  ]),
  'commerce.tickets': spec('commerce.tickets', [
    ['id', 'uuid'], ['order_id', 'uuid'], ['order_item_id', 'uuid'], ['position', 'integer'], ['ticket_type_id', 'uuid'], ['event_id', 'uuid'],
    ['buyer_id', 'uuid'], ['attendee_name', 'text'], ['attendee_email', 'text'], ['attendee_user_id', 'uuid'], ['code', 'text'], ['status', 'text'],
    ['issued_at', 'timestamptz'], ['checked_in_at', 'timestamptz'], ['checked_in_by', 'uuid'], ['cancelled_at', 'timestamptz'],
  ]),
  'community.chat_rooms': spec('community.chat_rooms', [
    ['id', 'uuid'], ['name', 'text'], ['kind', 'text'], ['session_id', 'uuid'], ['created_by', 'uuid'], ['created_at', 'timestamptz'],
    ['last_sequence', 'bigint'], ['direct_user_low', 'uuid'], ['direct_user_high', 'uuid'],
  ]),
  'community.chat_room_members': spec('community.chat_room_members', [
    ['room_id', 'uuid'], ['user_id', 'uuid'], ['role', 'text'], ['joined_at', 'timestamptz'], ['last_read_sequence', 'bigint'],
  ]),
  'community.chat_messages': spec('community.chat_messages', [
    ['id', 'uuid'], ['room_id', 'uuid'], ['sequence', 'bigint'], ['sender_id', 'uuid'], ['content', 'text'],
    ['client_message_id', 'text'], ['sent_at', 'timestamptz'], ['edited_at', 'timestamptz'], ['deleted_at', 'timestamptz'],
    ['deleted_by', 'uuid'],
  ]),
  'community.chat_room_mutes': spec('community.chat_room_mutes', [
    ['room_id', 'uuid'], ['user_id', 'uuid'], ['muted_until', 'timestamptz'], ['muted_by', 'uuid'], ['muted_at', 'timestamptz'],
  ]),
  'community.posts': spec('community.posts', [
    ['id', 'uuid'], ['author_id', 'uuid'], ['content', 'text'], ['visibility', 'text'], ['room_id', 'uuid'], ['created_at', 'timestamptz'],
    ['edited_at', 'timestamptz'],
  ]),
  'community.post_comments': spec('community.post_comments', [
    ['id', 'uuid'], ['post_id', 'uuid'], ['parent_id', 'uuid'], ['author_id', 'uuid'], ['content', 'text'], ['created_at', 'timestamptz'],
    ['edited_at', 'timestamptz'], ['deleted_at', 'timestamptz'],
  ]),
  'community.post_reactions': spec('community.post_reactions', [
    ['post_id', 'uuid'], ['user_id', 'uuid'], ['kind', 'text'], ['reacted_at', 'timestamptz'], ['changed_at', 'timestamptz'],
  ]),
  'community.post_mentions': spec('community.post_mentions', [['post_id', 'uuid'], ['comment_id', 'uuid'], ['user_id', 'uuid'], ['created_at', 'timestamptz']]),
  'community.content_reports': spec('community.content_reports', [
    ['id', 'uuid'], ['kind', 'text'], ['content_id', 'uuid'], ['reporter_id', 'uuid'], ['reason', 'text'], ['excerpt', 'text'], ['status', 'text'],
    ['created_at', 'timestamptz'], ['resolved_at', 'timestamptz'], ['resolved_by', 'uuid'],
  ]),
  'community.notifications': spec('community.notifications', [
    ['id', 'uuid'], ['user_id', 'uuid'], ['type', 'text'], ['title', 'text'], ['body', 'text'], ['priority', 'text'],
    ['action_url', 'text'], ['data', 'jsonb'], ['created_at', 'timestamptz'], ['read_at', 'timestamptz'], ['dedupe_key', 'text'],
    ['in_app', 'boolean'],
  ]),
  'community.training_sessions': spec('community.training_sessions', [
    ['session_id', 'uuid'], ['course_id', 'uuid'], ['trainer_user_id', 'uuid'], ['starts_at', 'timestamptz'], ['ends_at', 'timestamptz'],
    ['cancelled_at', 'timestamptz'],
  ]),
  'community.session_registrations': spec('community.session_registrations', [
    ['registration_id', 'uuid'], ['session_id', 'uuid'], ['user_id', 'uuid'], ['course_id', 'uuid'], ['status', 'text'],
    ['hold_expires_at', 'timestamptz'], ['cancel_reason', 'text'], ['changed_at', 'timestamptz'],
  ]),
  'community.reminders': spec('community.reminders', [
    ['id', 'uuid'], ['kind', 'text'], ['registration_id', 'uuid'], ['session_id', 'uuid'], ['user_id', 'uuid'], ['due_at', 'timestamptz'],
    ['status', 'text'], ['notification_id', 'uuid'], ['created_at', 'timestamptz'], ['done_at', 'timestamptz'],
  ]),
  'community.notification_preferences': spec('community.notification_preferences', [
    ['user_id', 'uuid'], ['kind', 'text'], ['in_app', 'boolean'], ['email', 'boolean'], ['updated_at', 'timestamptz'],
  ]),
  'community.notification_quiet_hours': spec('community.notification_quiet_hours', [
    ['user_id', 'uuid'], ['starts_at', 'time'], ['ends_at', 'time'], ['time_zone', 'text'], ['updated_at', 'timestamptz'],
  ]),
  'ai_analytics.analytics_events': spec('ai_analytics.analytics_events', [
    ['name', 'text'], ['user_id', 'uuid'], ['anonymous_id', 'text'], ['occurred_at', 'timestamptz'],
    ['received_at', 'timestamptz'], ['properties', 'jsonb'],
  ]),
  'ai_analytics.analytics_reports': spec('ai_analytics.analytics_reports', [
    ['id', 'uuid'], ['name', 'text'], ['report_type', 'text'], ['parameters', 'jsonb'], ['shared', 'boolean'], ['result', 'jsonb'],
    ['computed_at', 'timestamptz'], ['created_by', 'uuid'], ['created_at', 'timestamptz'], ['updated_at', 'timestamptz'],
  ]),
  'ai_analytics.coaching_tips': spec('ai_analytics.coaching_tips', [['id', 'uuid'], ['text', 'text'], ['tone', 'text'], ['audience', 'text'], ['created_at', 'timestamptz']]),
  'ai_analytics.topic_coaching_tips': spec('ai_analytics.topic_coaching_tips', [['topic_id', 'uuid'], ['tip_id', 'uuid'], ['linked_at', 'timestamptz']]),
  'ai_analytics.course_catalogue': spec('ai_analytics.course_catalogue', [
    ['course_id', 'uuid'], ['title', 'text'], ['language', 'text'], ['status', 'text'], ['topic_ids', 'uuid[]'], ['changed_at', 'timestamptz'],
  ]),
  'ai_analytics.course_enrollments': spec('ai_analytics.course_enrollments', [['user_id', 'uuid'], ['course_id', 'uuid'], ['enrolled_at', 'timestamptz']]),
  'ai_analytics.course_popularity': spec('ai_analytics.course_popularity', [['course_id', 'uuid'], ['enrollments', 'integer']]),
  'ai_analytics.course_similarity': spec('ai_analytics.course_similarity', [
    ['course_id', 'uuid'], ['similar_course_id', 'uuid'], ['co_enrollments', 'integer'], ['updated_at', 'timestamptz'],
  ]),
  'ai_analytics.scheduled_events': spec('ai_analytics.scheduled_events', [
    ['event_id', 'uuid'], ['slug', 'text'], ['name', 'text'], ['organizer_id', 'uuid'], ['starts_at', 'timestamptz'], ['ends_at', 'timestamptz'],
  ]),
  'ai_analytics.event_tasks': spec('ai_analytics.event_tasks', [
    ['id', 'uuid'], ['event_id', 'uuid'], ['kind', 'text'], ['title', 'text'], ['description', 'text'], ['due_at', 'timestamptz'],
    ['status', 'text'], ['proposed_at', 'timestamptz'], ['accepted_at', 'timestamptz'], ['accepted_by', 'uuid'],
  ]),
  'ai_analytics.course_documents': spec('ai_analytics.course_documents', [
    ['course_id', 'uuid'], ['slug', 'text'], ['title', 'text'], ['language', 'text'], ['status', 'text'], ['content', 'text'],
    ['source_at', 'timestamptz'], ['updated_at', 'timestamptz'],
  ]),
  'ai_analytics.ai_conversations': spec('ai_analytics.ai_conversations', [
    ['id', 'uuid'], ['user_id', 'uuid'], ['title', 'text'], ['created_at', 'timestamptz'], ['updated_at', 'timestamptz'],
  ]),
  'ai_analytics.ai_messages': spec('ai_analytics.ai_messages', [
    ['id', 'uuid'], ['conversation_id', 'uuid'], ['position', 'integer'], ['role', 'text'], ['content', 'text'], ['token_count', 'integer'],
    ['citations', 'uuid[]'], ['created_at', 'timestamptz'],
  ]),
  'ai_analytics.ai_usage': spec('ai_analytics.ai_usage', [
    ['id', 'uuid'], ['user_id', 'uuid'], ['day', 'date'], ['requests', 'integer'], ['tokens_in', 'bigint'], ['tokens_out', 'bigint'],
    ['cost_thousandths', 'bigint'], ['currency', 'text'], ['updated_at', 'timestamptz'],
  ]),
};
