import { DynamicModule, Global, Module } from '@nestjs/common';
import type { Logger } from 'pino';
import { AuditModule } from './audit/audit.module';
import { AuthModule } from './auth/auth.module';
import { ChannelsModule } from './channels/channels.module';
import { CommandsModule } from './commands/commands.module';
import { ClockModule } from './common/clock';
import { LOGGER } from './common/logger';
import { WebhooksModule } from './webhooks/webhooks.module';
import { AppsModule } from './apps/apps.module';
import { CallsModule } from './calls/calls.module';
import { AppConfig } from './config/config';
import { ConfigModule } from './config/config.module';
import { DatabaseModule } from './database/database.module';
import { EgressModule } from './egress/egress.module';
import { EventsModule } from './events/events.module';
import { FilesModule } from './files/files.module';
import { HealthModule } from './health/health.module';
import { ExportsModule } from './exports/exports.module';
import { ImportsModule } from './imports/imports.module';
import { MessagesModule } from './messages/messages.module';
import { MetricsModule } from './metrics/metrics.module';
import { PluginsModule } from './plugins/plugins.module';
import { RateLimitsModule } from './rate-limits/rate-limits.module';
import { ProfilesModule } from './profiles/profiles.module';
import { PushModule } from './push/push.module';
import { RealtimeModule } from './realtime/realtime.module';
import { ScheduledMessagesModule } from './scheduled-messages/scheduled-messages.module';
import { SlackModule } from './slack/slack.module';
import { WorkspacesModule } from './workspaces/workspaces.module';

/** The server's logger for every module. */
@Global()
@Module({})
export class LoggerModule {
  static forRoot(logger: Logger): DynamicModule {
    return { module: LoggerModule, providers: [{ provide: LOGGER, useValue: logger }], exports: [LOGGER] };
  }
}

/** What every domain module stands on: config, logger, clock, database, metrics, limits, events, audit. */
export function foundationModules(config: AppConfig, logger: Logger) {
  return [
    ConfigModule.forRoot(config),
    LoggerModule.forRoot(logger),
    ClockModule,
    DatabaseModule,
    MetricsModule,
    RateLimitsModule,
    EventsModule,
    AuditModule,
  ];
}

@Module({})
export class AppModule {
  static forRoot(config: AppConfig, logger: Logger): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ...foundationModules(config, logger),
        AuthModule,
        WorkspacesModule,
        ChannelsModule,
        MessagesModule,
        ScheduledMessagesModule,
        FilesModule,
        ProfilesModule,
        RealtimeModule,
        EgressModule,
        CommandsModule,
        PluginsModule,
        WebhooksModule,
        AppsModule,
        CallsModule,
        HealthModule,
        ImportsModule,
        ExportsModule,
        PushModule,
        SlackModule,
      ],
    };
  }
}
