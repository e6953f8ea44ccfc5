import { HealthRepository } from './health.repository';
import { HealthService } from './health.service';

const repository = (ping: () => Promise<void>) => ({ ping }) as unknown as HealthRepository;

describe('HealthService', () => {
  it('is ready while the database answers, and not once shutdown has begun', async () => {
    const service = new HealthService(repository(() => Promise.resolve()));
    expect(await service.ready()).toEqual({ ready: true });
    service.beforeApplicationShutdown();
    expect(await service.ready()).toEqual({ ready: false, reason: 'draining' });
  });

  it('is not ready when the database refuses or stays silent for a second', async () => {
    const refused = new HealthService(repository(() => Promise.reject(new Error('ECONNREFUSED'))));
    expect(await refused.ready()).toEqual({ ready: false, reason: 'database unavailable' });
    jest.useFakeTimers();
    try {
      const silent = new HealthService(repository(() => new Promise(() => {})));
      const answer = silent.ready();
      await jest.advanceTimersByTimeAsync(1000);
      expect(await answer).toEqual({ ready: false, reason: 'database unavailable' });
    } finally {
      jest.useRealTimers();
    }
  });
});
