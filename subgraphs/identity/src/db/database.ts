import type { Generated, Selectable } from 'kysely';
import type { Role } from '@academy/service-kit';

export interface UsersTable {
  id: Generated<string>;
  email: string;
  password_hash: string | null;
  first_name: string | null;
  last_name: string | null;
  display_name: string;
  avatar_url: string | null;
  bio: string | null;
  timezone: string | null;
  language: string | null;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export interface UserRolesTable {
  user_id: string;
  role: Role;
  granted_at: Generated<Date>;
  granted_by: string | null;
}

/** The identity subgraph's tables: its own schema only. */
export interface IdentityDatabase {
  'identity.users': UsersTable;
  'identity.user_roles': UserRolesTable;
}

/** A user as the API reads it: never the password hash. */
export type User = Omit<Selectable<UsersTable>, 'password_hash'> & { roles: Role[] };
