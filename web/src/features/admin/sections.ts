import { lazy, type ComponentType, type LazyExoticComponent } from 'react';
import type { Workspace } from '../../lib/api/client';
import type { en } from '../../locales/en';

export interface AdminSectionProps {
  workspace: Workspace;
}

export interface AdminSection {
  /** The path segment: /w/:workspaceId/admin/:id. */
  id: string;
  label: `admin.sections.${keyof (typeof en)['admin']['sections']}`;
  /** Shown to the workspace's owners alone (admins do not see it). */
  ownersOnly?: boolean;
  /** Each section loads apart, so the console costs the chat nothing. */
  Component: LazyExoticComponent<ComponentType<AdminSectionProps>>;
}

/** The console's sections, in the order its navigation lists them. */
export const adminSections: AdminSection[] = [
  {
    id: 'members',
    label: 'admin.sections.members',
    Component: lazy(() =>
      import('./members/MembersSection').then((module) => ({ default: module.MembersSection })),
    ),
  },
  {
    id: 'plugins',
    label: 'admin.sections.plugins',
    Component: lazy(() =>
      import('./plugins/PluginsSection').then((module) => ({ default: module.PluginsSection })),
    ),
  },
  {
    id: 'webhooks',
    label: 'admin.sections.webhooks',
    Component: lazy(() =>
      import('./webhooks/WebhooksSection').then((module) => ({ default: module.WebhooksSection })),
    ),
  },
  {
    id: 'apps',
    label: 'admin.sections.apps',
    Component: lazy(() => import('./apps/AppsSection').then((module) => ({ default: module.AppsSection }))),
  },
  {
    id: 'imports',
    label: 'admin.sections.imports',
    ownersOnly: true,
    Component: lazy(() =>
      import('./imports/ImportsSection').then((module) => ({ default: module.ImportsSection })),
    ),
  },
  {
    id: 'audit',
    label: 'admin.sections.audit',
    Component: lazy(() =>
      import('./audit/AuditSection').then((module) => ({ default: module.AuditSection })),
    ),
  },
];

/** The sections someone of `role` sees in the console. */
export const sectionsFor = (role: string) =>
  adminSections.filter((section) => !section.ownersOnly || role === 'owner');
