const Sequencer = require('@jest/test-sequencer').default;

/**
 * Jest's order (a file that failed last time first, then the longest by the last run's times; without those,
 * as on a fresh CI machine, the largest file first), except that the browser journeys always start first:
 * they take far longer than any other file, and started late (their file is small) they would run on alone
 * at the end while the other worker sits idle.
 */
class JourneysFirst extends Sequencer {
  async sort(tests) {
    const sorted = await super.sort(tests);
    const rank = (test) => (/[\\/]web-journeys\.e2e\.ts$/.test(test.path) ? 0 : 1);
    return [...sorted].sort((a, b) => rank(a) - rank(b));
  }
}

module.exports = JourneysFirst;
