import { buildApp } from '../app/app';

buildApp().synth();
