const Sequencer = require('@jest/test-sequencer').default;

/**
 * Jest's order (a file that failed last time first, then the longest by the last run's times; without those,
 * as on a fresh CI machine, the largest file first), except that the browser journeys always come last: a
 * browser and the server it drives take most of two cores. Run beside the other files (as they once were,
 * first) they slowed every file of the other Jest worker two- to five-fold on a two-core machine, past the time
 * limits of the process tests, and their own first paints past the budget.
 */
class JourneysLast extends Sequencer {
  async sort(tests) {
    const sorted = await super.sort(tests);
    const rank = (test) => (/[\\/]web-journeys\.e2e\.ts$/.test(test.path) ? 1 : 0);
    return [...sorted].sort((a, b) => rank(a) - rank(b));
  }
}

module.exports = JourneysLast;
