export { StepFunctionsEmulator } from './emulator';
