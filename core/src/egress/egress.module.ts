import { Global, Module } from '@nestjs/common';
import { EgressClient } from './egress.client';

@Global()
@Module({ providers: [EgressClient], exports: [EgressClient] })
export class EgressModule {}
