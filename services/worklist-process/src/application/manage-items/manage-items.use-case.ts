import { Inject, Injectable } from '@nestjs/common';
import { NotFoundError, ValidationError } from '../errors';
import { WORKLIST_ITEMS, type StoredItem, type WorklistItems } from '../worklist-items.port';
import { parseItems } from './parse-items';

/** Create, replace, delete, list and get worklist items. */
@Injectable()
export class ManageItems {
  constructor(@Inject(WORKLIST_ITEMS) private readonly items: WorklistItems) {}

  create(body: Buffer, contentType: string | undefined): Promise<StoredItem[]> {
    return this.items.create(parseItems(body, contentType));
  }

  async replace(id: string, body: Buffer, contentType: string | undefined): Promise<StoredItem> {
    const parsed = parseItems(body, contentType);
    if (parsed.length !== 1) throw new ValidationError('a replacement is exactly one item');
    const stored = await this.items.replace(id, parsed[0]);
    if (!stored) throw notFound(id);
    return stored;
  }

  async delete(id: string): Promise<void> {
    if (!(await this.items.delete(id))) throw notFound(id);
  }

  async get(id: string): Promise<StoredItem> {
    const stored = await this.items.get(id);
    if (!stored) throw notFound(id);
    return stored;
  }

  list(offset: number, limit: number): Promise<{ total: number; items: StoredItem[] }> {
    return this.items.list(offset, limit);
  }
}

function notFound(id: string): NotFoundError {
  return new NotFoundError(`no worklist item ${id}`);
}
