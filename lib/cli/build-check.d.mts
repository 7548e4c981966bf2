export declare const REPO: string;
export declare const OUT: string;
export declare function mtimeOf(file: string): number;
export declare function stale(): boolean;
export declare function ensureBuilt(opts?: { quiet?: boolean }): Promise<void>;
