import { Module } from '@nestjs/common';
import { MembershipCache } from './membership-cache';
import { MembershipsRepository } from './memberships.repository';

@Module({
  providers: [MembershipsRepository, MembershipCache],
  exports: [MembershipCache],
})
export class MembershipsModule {}
