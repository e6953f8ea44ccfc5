import { Injectable } from '@nestjs/common';

/** The time that schedules run on (webhook retries, leases); tests move it instead of sleeping. */
@Injectable()
export class Clock {
  now(): number {
    return Date.now();
  }
}
