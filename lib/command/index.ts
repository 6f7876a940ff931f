// Public surface of lib/command (trials as commands); re-exported by lib/index.ts.
export {
  commandObjective,
  commandTrialSeed,
  stopRunningCommands,
  parseProtocolLine,
  COMMAND_PROTOCOL_PREFIX,
  COMMAND_PROTOCOL_VERSION,
  type CommandObjectiveOptions,
  type CommandEpochReport,
  type CommandTrialFile,
} from './command-objective.js';
