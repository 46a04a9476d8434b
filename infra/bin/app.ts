import { buildApp } from '../src/app';

buildApp().synth();
