// SPDX-License-Identifier: Apache-2.0
// Entry point of the viewer UI served by `fgm viewer`: styles, then the app over the HTTP engine.
// The offline export builds its own entry with an in-page engine instead of HttpEngine.
import "uplot/dist/uPlot.min.css";
import "./style.css";
import { App } from "./app";
import { HttpEngine } from "./engine";

void new App(document.getElementById("app")!, new HttpEngine()).start();
