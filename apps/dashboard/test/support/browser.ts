import fs from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, expect } from '@jest/globals';
import { chromium, type Browser, type Locator, type Page } from 'playwright-core';

import { startTestApp, type TestApp } from '../../../api/test/support/test-app.js';

const ARTIFACTS = path.resolve(process.cwd(), 'test-artifacts');

/** Debian's Chromium, headless: test tools cannot download browsers here. */
export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync'],
  });
}

/** Saves a screenshot under test-artifacts/ for a person to look at. */
export async function snapshot(page: Page, name: string): Promise<void> {
  await fs.mkdir(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), fullPage: true });
}

/** Fails the test on any uncaught error in the page. */
export function watchForPageErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  return errors;
}

/** A fresh browser context signed in as `who`, on their start page. */
export async function signInAs(browser: Browser, baseUrl: string, who: { email: string; password: string }, width = 1280): Promise<Page> {
  const context = await browser.newContext({ viewport: { width, height: 900 } });
  const page = await context.newPage();
  await page.goto(`${baseUrl}/sign-in`);
  await page.getByLabel('Email').fill(who.email);
  await page.getByLabel('Password').fill(who.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: /^Welcome/ }).waitFor();
  return page;
}

/** Waits until the locator matches exactly `expected` elements (lists re-render after a filter), then asserts it. */
export async function expectCount(locator: Locator, expected: number, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let count = await locator.count();
  while (count !== expected && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    count = await locator.count();
  }
  expect(count).toBe(expected);
}

/** Polls `read` until it returns `expected` (a save on its way lands a moment later); fails with the last value read. */
export async function eventually<T>(read: () => Promise<T>, expected: T, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let value = await read();
  while (JSON.stringify(value) !== JSON.stringify(expected) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    value = await read();
  }
  expect(value).toEqual(expected);
}

export interface BrowserApp {
  t: TestApp;
  browser: Browser;
  baseUrl: string;
}

/** For a test file: the app on a loopback port with a database of its own, and Chromium; both stop after the file's tests. */
export function useBrowserApp(): BrowserApp {
  const env = {} as BrowserApp;
  beforeAll(async () => {
    env.t = await startTestApp();
    env.baseUrl = await env.t.listen();
    env.browser = await launchBrowser();
  });
  afterAll(async () => {
    await env.browser?.close();
    await env.t?.close();
  });
  return env;
}

/** Types `typed` into the search combobox labelled `label` and chooses the option named `option` (exactly, when a string). */
export async function chooseFromSearch(scope: Page | Locator, label: string, typed: string, option: string | RegExp): Promise<void> {
  await scope.getByRole('combobox', { name: label }).fill(typed);
  await scope.getByRole('option', { name: option, exact: typeof option === 'string' }).click();
}
