/**
 * Makes a loopback server answer like PyPI for one release: the JSON API at `/pypi/<name>/json` and
 * `/pypi/<name>/<version>/json` (the shape of https://docs.pypi.org/api/json/, trimmed to real fields) and the
 * wheel file itself, as files.pythonhosted.org would serve it.
 */
import { createHash } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import type { LoopbackFileServer } from './loopback-file-server.ts';

export interface ServedPypiRelease {
  packageName: string;
  version: string;
  wheelFileName: string;
  wheel: Buffer;
  /** Overrides the published digest, to test a tampered wheel. */
  publishedSha256?: string;
  /** Serve `/pypi/<name>/<version>/json` too (pypi.org does; some proxies only serve the project endpoint). Default true. */
  versionedEndpoint?: boolean;
}

export function servePypiRelease(server: LoopbackFileServer, release: ServedPypiRelease): void {
  const wheelPath = `/packages/${release.wheelFileName}`;
  server.setFile(wheelPath, release.wheel);
  const sha256 = release.publishedSha256 ?? createHash('sha256').update(release.wheel).digest('hex');
  const files = [
    {
      filename: `${release.packageName.replaceAll('-', '_')}-${release.version}.tar.gz`,
      packagetype: 'sdist',
      python_version: 'source',
      url: `${server.url}/packages/missing-sdist.tar.gz`,
      size: 10,
      digests: { md5: '', sha256: '0'.repeat(64), blake2b_256: '' },
      yanked: false,
    },
    {
      filename: release.wheelFileName,
      packagetype: 'bdist_wheel',
      python_version: 'py3',
      url: `${server.url}${wheelPath}`,
      size: release.wheel.length,
      digests: { md5: '', sha256, blake2b_256: '' },
      yanked: false,
    },
  ];
  const info = { name: release.packageName, version: release.version, summary: 'test release', license: 'Apache-2.0' };
  const answer = (body: unknown) => (_incoming: unknown, outgoing: ServerResponse): void => {
    outgoing.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  };
  server.setRoute('GET', `/pypi/${release.packageName}/json`, answer({ info, last_serial: 1, releases: { [release.version]: files }, urls: files, vulnerabilities: [] }));
  if (release.versionedEndpoint !== false) {
    server.setRoute('GET', `/pypi/${release.packageName}/${release.version}/json`, answer({ info, last_serial: 1, urls: files, vulnerabilities: [] }));
  }
}
