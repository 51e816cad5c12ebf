import { describe, expect, it } from 'vitest';
import type { Notice } from '../../../../shared/model';
import { currentNotices } from './current-notices';

const notice = (id: string, level: Notice['level'], at: number): Notice => ({ id, level, message: `${id} ${level} at ${at}`, at });

describe('currentNotices', () => {
  it('keeps the latest notice of each id, newest last', () => {
    const usb = notice('devices.usb', 'warning', 1);
    const lost = notice('daemon-connection', 'warning', 2);
    const lostAgain = notice('daemon-connection', 'error', 3);
    expect(currentNotices([usb, lost, lostAgain])).toEqual([usb, lostAgain]);
  });

  it('drops an id whose latest notice is only information', () => {
    const lost = notice('daemon-connection', 'warning', 2);
    const back = notice('daemon-connection', 'info', 3);
    expect(currentNotices([lost, back])).toEqual([]);
  });
});
