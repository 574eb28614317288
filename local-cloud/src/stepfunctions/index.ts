export { StepFunctionsEmulator, type StepFunctionsOptions, type CreateStateMachineInput } from './emulator';
