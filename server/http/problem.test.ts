import express from 'express';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../log.js';
import { errorHandler, toAppError, Unavailable } from './problem.js';

describe('errors as a caller sees them', () => {
  it('answers a database outage with 503 and Retry-After, without naming the database', async () => {
    const app = express();
    app.get('/api/x', (_req, _res, next) => next(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:27017'), { name: 'MongoServerSelectionError' })));
    app.use(errorHandler(createLogger('silent')));
    const res = await request(app).get('/api/x');
    expect(res.status).toBe(503);
    expect(res.headers['retry-after']).toBe('5');
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.body.detail).not.toMatch(/mongo|ECONNREFUSED/i);
  });

  it('keeps unknown failures a 500 that reveals nothing internal', () => {
    const e = toAppError(new Error('secret internals'));
    expect(e.status).toBe(500);
    expect(e.message).not.toContain('secret');
    expect(toAppError(Object.assign(new Error('x'), { name: 'MongoNetworkError' }))).toBeInstanceOf(Unavailable);
  });
});
