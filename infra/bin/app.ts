import { buildApp } from '../app/app';
import { bundleFunctions } from '../scripts/bundle-functions';

// This repository's app deploys the functions as they are in packages/lambda-*: bundled now.
bundleFunctions();

buildApp().synth();
