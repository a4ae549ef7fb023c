// The normalized vulnerability model and its readers: the one import for every feature.
export * from './vulnerability';
export { fromTrivyReport, type TrivyReport, type TrivyVulnerability } from './trivy-report';
export { fromGrypeReport, type GrypeReport, type GrypeMatch } from './grype-report';
export { mergeResultsShapes, readResultsShape, toResultsShape, type ReadResults, type ResultsShape } from './results-shape';
