import path from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { ESLint } from 'eslint';

const ROOT = path.resolve(import.meta.dirname, '../../../..');

/**
 * The lint rules `npm test` runs that matter for Tandem, through the repository's own
 * eslint.config.js: each must catch what it is for. Code is linted as if it stood in
 * a real file of the tree, so the file-specific parts of the config apply.
 */
describe('Tandem lint rules', () => {
  // Under CI=true, typescript-eslint infers a single run and builds its program from the files on
  // disk, not from the text given here: turn that inference off so the text is what gets linted.
  const eslint = new ESLint({ cwd: ROOT, overrideConfig: { languageOptions: { parserOptions: { disallowAutomaticSingleRunInference: true } } } });
  const lint = async (code: string, file: string) => {
    const [result] = await eslint.lintText(code, { filePath: path.join(ROOT, file) });
    return result!.messages.map((m) => `${m.ruleId}: ${m.message}`);
  };

  it('refuses a route without an @Allow declaration on the method or its controller', async () => {
    const missing = `
      import { Controller, Get, Post } from '@nestjs/common';
      import { Allow } from '../access/allow.decorator.js';
      @Controller('things')
      export class ThingsController {
        @Get() list() { return []; }
        @Post() @Allow('admin') create() { return {}; }
        helper() { return 1; }
      }`;
    expect(await lint(missing, 'apps/api/src/clients/clients.controller.ts')).toEqual([expect.stringMatching(/^tandem\/route-needs-access-declaration: Route list has no @Allow/)]);
    const declaredOnClass = `
      import { Controller, Get } from '@nestjs/common';
      import { Allow } from '../access/allow.decorator.js';
      @Controller('things')
      @Allow('staff')
      export class ThingsController {
        @Get() list() { return []; }
      }`;
    expect(await lint(declaredOnClass, 'apps/api/src/clients/clients.controller.ts')).toEqual([]);
  });

  it('refuses process.env outside the config folder, and allows it inside', async () => {
    const code = `export const port = process.env.PORT;\n`;
    expect(await lint(code, 'apps/api/src/clients/clients.service.ts')).toEqual([expect.stringMatching(/^no-restricted-properties: .*apps\/api\/src\/config/)]);
    expect(await lint(code, 'apps/api/src/config/config.ts')).toEqual([]);
  });

  it('refuses a floating promise and unused code', async () => {
    const code = `const unused = 1;\nasync function work() { return 1; }\nexport function run() { work(); }\n`;
    const found = await lint(code, 'apps/api/src/clients/clients.service.ts');
    expect(found).toEqual(
      expect.arrayContaining([expect.stringMatching(/^@typescript-eslint\/no-unused-vars: 'unused'/), expect.stringMatching(/^@typescript-eslint\/no-floating-promises:/)]),
    );
  });
});
