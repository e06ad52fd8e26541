/** Tables owned by the directory module (DIR-2, DIR-3). Every row names its organization (DIR-1). */
export interface GroupsTable {
  id: string;
  org_id: string;
  name: string;
  description: string | null;
  gid_number: number;
  created_at: string;
  updated_at: string;
}

export interface GroupMembersTable {
  org_id: string;
  group_id: string;
  user_id: string;
  created_at: string;
}

export interface ResourcesTable {
  id: string;
  org_id: string;
  kind: string;
  name: string;
  /** JSON: kind-specific settings, filled in by the protocol edges. */
  settings: string;
  created_at: string;
  updated_at: string;
}

export interface BindingsTable {
  id: string;
  org_id: string;
  resource_id: string;
  user_id: string | null;
  group_id: string | null;
  created_at: string;
}

export interface DirectoryTables {
  groups: GroupsTable;
  group_members: GroupMembersTable;
  resources: ResourcesTable;
  bindings: BindingsTable;
}
