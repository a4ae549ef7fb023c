import * as http from 'node:http';
import { startRegistry, type TestRegistry } from './registry';

interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

function get(url: string, headers: http.OutgoingHttpHeaders = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { headers, agent: false }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
      })
      .on('error', reject);
  });
}

describe('open registry', () => {
  let registry: TestRegistry;
  beforeAll(async () => {
    registry = await startRegistry('open');
  });
  afterAll(async () => {
    await registry?.stop();
  });

  it('answers /v2/ with 200 on loopback', async () => {
    expect(registry.host).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(registry.url).toBe(`http://${registry.host}`);
    const answer = await get(`${registry.url}/v2/`);
    expect(answer.status).toBe(200);
    expect(answer.headers['docker-distribution-api-version']).toBe('registry/2.0');
  });
});
