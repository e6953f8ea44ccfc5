import { Global, Module } from '@nestjs/common';
import { Metrics } from './metrics';
import { MetricsController } from './metrics.controller';
import { MetricsService } from './metrics.service';

/** The registry every module adds its series to, and the scrape endpoints. */
@Global()
@Module({
  providers: [Metrics, MetricsService],
  controllers: [MetricsController],
  exports: [Metrics],
})
export class MetricsModule {}
