import type { Knex } from 'knex';
import * as foundation from './001_foundation';
import * as realtime from './002_realtime';
import * as plugins from './003_plugins';
import * as pluginSchedules from './004_plugin_schedules';
import * as pluginBundles from './005_plugin_bundles';
import * as pluginDeliveryLease from './006_plugin_delivery_lease';
import * as webhooks from './007_webhooks';
import * as apps from './008_apps';
import * as commandResponses from './009_command_responses';
import * as appEventSubscriptions from './010_app_event_subscriptions';
import * as oauth from './011_oauth';
import * as sso from './012_sso';
import * as calls from './013_calls';
import * as pluginAllowedHosts from './014_plugin_allowed_hosts';
import * as passwordResets from './015_password_resets';
import * as rateLimits from './016_rate_limits';
import * as readMarkersAndAvatars from './017_read_markers_and_avatars';
import * as channelMute from './018_channel_mute';
import * as push from './022_push';
import * as slackMessages from './023_slack_messages';
import * as imports from './024_imports';
import * as slackEvents from './025_slack_events';
import * as scheduledMessages from './026_scheduled_messages';
import * as exportsMigration from './027_exports';
import * as auditLog from './028_audit_log';
import * as interactivity from './029_interactivity';
import * as channelLifecycleIndex from './030_channel_lifecycle_index';
import * as importFiles from './031_import_files';
import * as threadBroadcast from './032_thread_broadcast';
import * as pluginInteractivity from './033_plugin_interactivity';
import * as messagePartialIndexes from './035_message_partial_indexes';
import * as messageChannelWorkspaceKey from './037_message_channel_workspace_key';
import * as messageThreadKeyIndex from './038_message_thread_key_index';

interface Migration {
  up(knex: Knex): Promise<void>;
  down(knex: Knex): Promise<void>;
}

// Listed explicitly (not read from disk) so the same migrations run from dist/, from ts-jest and from knexfile.ts.
const migrations: Record<string, Migration> = {
  '001_foundation': foundation,
  '002_realtime': realtime,
  '003_plugins': plugins,
  '004_plugin_schedules': pluginSchedules,
  '005_plugin_bundles': pluginBundles,
  '006_plugin_delivery_lease': pluginDeliveryLease,
  '007_webhooks': webhooks,
  '008_apps': apps,
  '009_command_responses': commandResponses,
  '010_app_event_subscriptions': appEventSubscriptions,
  '011_oauth': oauth,
  '012_sso': sso,
  '013_calls': calls,
  '014_plugin_allowed_hosts': pluginAllowedHosts,
  '015_password_resets': passwordResets,
  '016_rate_limits': rateLimits,
  '017_read_markers_and_avatars': readMarkersAndAvatars,
  '018_channel_mute': channelMute,
  '022_push': push,
  '023_slack_messages': slackMessages,
  '024_imports': imports,
  '025_slack_events': slackEvents,
  '026_scheduled_messages': scheduledMessages,
  '027_exports': exportsMigration,
  '028_audit_log': auditLog,
  '029_interactivity': interactivity,
  '030_channel_lifecycle_index': channelLifecycleIndex,
  '031_import_files': importFiles,
  '032_thread_broadcast': threadBroadcast,
  '033_plugin_interactivity': pluginInteractivity,
  '035_message_partial_indexes': messagePartialIndexes,
  '037_message_channel_workspace_key': messageChannelWorkspaceKey,
  '038_message_thread_key_index': messageThreadKeyIndex,
};

export const migrationSource: Knex.MigrationSource<string> = {
  getMigrations: () => Promise.resolve(Object.keys(migrations)),
  getMigrationName: (name) => name,
  getMigration: (name) => Promise.resolve(migrations[name]),
};
