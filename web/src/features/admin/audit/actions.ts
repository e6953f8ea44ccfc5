import { en } from '../../../locales/en';
import type { AuditAction } from './api';

/** An action's key among the locale's labels: i18next reads `.` as a key separator, so keys use `_`. */
type LabelKey<A extends string> = A extends `${infer Domain}.${infer Verb}` ? `${Domain}_${Verb}` : never;

// Typed so that an action the server adds without a label here fails to compile.
const labels: Record<LabelKey<AuditAction>, string> = en.admin.audit.actions;

/** The actions the log records, in the order the filter lists them (that of their labels). */
export const AUDIT_ACTIONS = Object.keys(labels).map((key) => key.replace('_', '.') as AuditAction);

export const actionKey = (action: AuditAction) => action.replace('.', '_') as LabelKey<AuditAction>;
