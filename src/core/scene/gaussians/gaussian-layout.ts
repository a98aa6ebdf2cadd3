/** Moved to src/shared so the studio renderer can use it; core keeps importing it from here. */
export * from '../../../shared/gaussians/gaussian-layout';
