/** Python environments Understudy builds and owns (converters now, the training worker later), and running our scripts in them. */
export { ensurePythonEnvironment } from './ensure-python-environment.ts';
export type { EnsurePythonEnvironmentOptions, PythonEnvironment, PythonEnvironmentProgress } from './ensure-python-environment.ts';
export { pythonDirectory, pythonRequirementsFile, pythonScriptPath, runPythonScript } from './run-python-script.ts';
export type { RunPythonScriptOptions } from './run-python-script.ts';
