/** Headless Chromium with fake camera and microphone, and what tests read from the join page. */
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import type { PageState } from '../../client/src/diagnostics.js';

export const CHROMIUM_PATH = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';

export const CHROMIUM_ARGS = [
  '--use-fake-device-for-media-stream',
  '--use-fake-ui-for-media-stream',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

const CLIENT_BUNDLE = fileURLToPath(new URL('../../client/dist/join.js', import.meta.url));

/** The e2e tests load the built client; building is `npm run build`'s job, not theirs. */
export function assertClientBuilt(): void {
  if (!existsSync(CLIENT_BUNDLE)) {
    throw new Error(`${CLIENT_BUNDLE} is missing: run \`npm run build\` before the e2e tests`);
  }
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_ARGS });
}

export interface JoinPage {
  context: BrowserContext;
  page: Page;
  /** Uncaught errors and console errors of the page, for failure messages. */
  errors: string[];
}

/** Opens a join URL in a context of its own, as a separate site's browser would. */
export async function openJoinPage(browser: Browser, url: string): Promise<JoinPage> {
  const context = await browser.newContext({ viewport: { width: 1366, height: 768 } });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(`pageerror: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(`console: ${message.text()}`);
  });
  await page.goto(url);
  return { context, page, errors };
}

/**
 * Waits until the page leaves 'connecting' and returns the state it reached. Pages are opened several
 * at once, next to other files' Chromiums on a loaded CI machine: the deadline is generous.
 */
export async function settledState(page: Page, timeout = 30_000): Promise<PageState> {
  const handle = await page.waitForFunction(() => window.diemcau?.state !== 'connecting' && window.diemcau?.state, null, {
    timeout,
  });
  return (await handle.jsonValue()) as PageState;
}

export interface RemoteTileStats {
  participantId: string;
  name: string;
  videoWidth: number;
  /** inbound-rtp of the tile's video track, from the receiving RTCPeerConnection. */
  framesDecoded: number;
  /** inbound-rtp of the tile's audio track. */
  audioPacketsReceived: number;
}

/**
 * One entry per remote tile, with the in-page WebRTC stats of the tracks it shows.
 * The function runs in the page: tsx wraps named inner functions in a helper the page lacks,
 * so it declares none.
 */
export function remoteTileStats(page: Page): Promise<RemoteTileStats[]> {
  return page.evaluate(async () => {
    const inbound = new Map<string, Record<string, unknown>>();
    const report = await window.diemcau.pcs.recv?.getStats();
    report?.forEach((stat: Record<string, unknown>) => {
      if (stat['type'] === 'inbound-rtp' && typeof stat['trackIdentifier'] === 'string') inbound.set(stat['trackIdentifier'], stat);
    });
    return [...document.querySelectorAll<HTMLElement>('.tile[data-participant-id]')].map((tile) => {
      // A participant's row holds its audio; its video is in whichever slots show it (main, speaker, grid).
      const id = tile.dataset['participantId'] ?? '';
      const videos = [...document.querySelectorAll<HTMLVideoElement>('video[data-participant-id]')].filter(
        (v) => v.dataset['participantId'] === id && v.srcObject instanceof MediaStream,
      );
      const video = videos.sort((a, b) => b.videoWidth - a.videoWidth)[0];
      const audio = tile.querySelector('audio');
      const videoTrack = video?.srcObject instanceof MediaStream ? video.srcObject.getVideoTracks()[0]?.id : undefined;
      const audioTrack = audio?.srcObject instanceof MediaStream ? audio.srcObject.getAudioTracks()[0]?.id : undefined;
      const videoStats = videoTrack === undefined ? undefined : inbound.get(videoTrack);
      const audioStats = audioTrack === undefined ? undefined : inbound.get(audioTrack);
      return {
        participantId: id,
        name: tile.dataset['name'] ?? '',
        videoWidth: video?.videoWidth ?? 0,
        framesDecoded: Number(videoStats?.['framesDecoded'] ?? 0),
        audioPacketsReceived: Number(audioStats?.['packetsReceived'] ?? 0),
      };
    });
  });
}

/** Where browser tests leave their screenshots (ignored by git): .tap/screenshots/<name>.png */
export const SCREENSHOT_DIR = fileURLToPath(new URL('../../.tap/screenshots/', import.meta.url));

/** Saves a screenshot of the page's viewport, for a person to look at; returns its path. */
export async function screenshot(page: Page, name: string): Promise<string> {
  await mkdir(SCREENSHOT_DIR, { recursive: true });
  const path = `${SCREENSHOT_DIR}${name}.png`;
  await page.screenshot({ path });
  return path;
}
