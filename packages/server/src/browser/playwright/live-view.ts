import type { BrowserContext } from 'playwright-core';
import type { LiveInput, ScreencastFrame, ScreencastOptions } from '../port.ts';
import type { CallProgress } from './call-progress.ts';
import { readableError } from './readable-error.ts';
import type { SessionDialogs } from './session-dialogs.ts';
import type { SessionTabs } from './session-tabs.ts';

/** A person watching the active tab (a CDP screencast) and using it (mouse and keyboard input). */
export class LiveView {
  constructor(
    private readonly context: BrowserContext,
    private readonly tabs: SessionTabs,
    private readonly dialogs: SessionDialogs,
    private readonly actionTimeoutMs: number,
  ) {}

  async startScreencast(onFrame: (frame: ScreencastFrame) => void, options: ScreencastOptions = {}): Promise<{ stop(): Promise<void> }> {
    const page = await this.tabs.activePage();
    const cdp = await this.context.newCDPSession(page);
    cdp.on('Page.screencastFrame', (frame) => {
      // Chromium sends the next frame only after this one is acknowledged.
      cdp.send('Page.screencastFrameAck', { sessionId: frame.sessionId }).catch(() => undefined);
      onFrame({ jpeg: Buffer.from(frame.data, 'base64'), width: frame.metadata.deviceWidth, height: frame.metadata.deviceHeight });
    });
    const viewport = page.viewportSize() ?? { width: 1280, height: 800 };
    await cdp.send('Page.startScreencast', {
      format: 'jpeg',
      quality: options.quality ?? 60,
      maxWidth: options.maxWidth ?? viewport.width,
      maxHeight: options.maxHeight ?? viewport.height,
    });
    let stopped = false;
    return {
      stop: async () => {
        if (stopped) return;
        stopped = true;
        await cdp.send('Page.stopScreencast').catch(() => undefined);
        await cdp.detach().catch(() => undefined);
      },
    };
  }

  async input(event: LiveInput, progress: CallProgress): Promise<void> {
    const page = await this.tabs.activePage();
    // The screencast does not show native dialogs, so a person using the live view cannot answer
    // one: their input wins, and the next observation tells the model.
    if (event.type !== 'move') await this.dialogs.dismiss(page, 'a person used the live view');
    const run = async (): Promise<void> => {
      switch (event.type) {
        case 'click':
          await page.mouse.click(event.x, event.y, { button: event.button ?? 'left' });
          return;
        case 'move':
          await page.mouse.move(event.x, event.y);
          return;
        case 'wheel':
          await page.mouse.move(event.x, event.y);
          await page.mouse.wheel(event.deltaX, event.deltaY);
          return;
        case 'type':
          await page.keyboard.type(event.text);
          return;
        case 'key':
          await page.keyboard.press(event.key);
          return;
      }
    };
    // A click that opens a dialog does not return until the dialog is answered.
    const dialog = this.dialogs.whenOpened(page);
    try {
      await progress.race(Promise.race([run(), dialog.opened]), { withinMs: this.actionTimeoutMs });
    } catch (error) {
      progress.fail(error, (cause) => new Error(`Input failed: ${readableError(cause)}`, { cause }));
    } finally {
      dialog.stop();
    }
  }
}
