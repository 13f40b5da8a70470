// Express 4 does not catch a rejected promise from a route handler: this passes it to `next`, so the
// problem handler (problem.ts) answers with the error's status instead of the request hanging.
import type { NextFunction, Request, Response } from 'express';

export type AsyncHandler = (req: Request, res: Response) => Promise<void>;

export const handle = (fn: AsyncHandler) => (req: Request, res: Response, next: NextFunction): void => { fn(req, res).catch(next); };
